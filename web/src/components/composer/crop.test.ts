import { describe, expect, it } from "vitest";

import { cropAspect } from "./Composer";

const wide = { url: "https://example.org/a.jpg", width: 3000, height: 1000, format: "jpeg" };

function preview(min: number | null, max: number | null) {
  return {
    image_actions: [{ media_index: 0, problems: [], target_format: "jpeg", max_bytes: 1, min_aspect: min, max_aspect: max, detail: "" }],
  } as unknown as Parameters<typeof cropAspect>[0];
}

describe("the crop each platform shows", () => {
  it("keeps the image's own ratio inside the validator's bounds and clamps it outside", () => {
    expect(cropAspect(preview(0.8, 1.91), "instagram", wide)).toBeCloseTo(1.91);
    expect(cropAspect(preview(0.5, 4), "instagram", wide)).toBeCloseTo(3);
    expect(cropAspect(preview(1.5, null), "instagram", { ...wide, width: 1000 })).toBeCloseTo(1.5);
  });

  it("uses the platform's feed ratio when the validator gives none", () => {
    expect(cropAspect(undefined, "x", wide)).toBeCloseTo(16 / 9);
    expect(cropAspect(undefined, "facebook", wide)).toBeCloseTo(1.91);
  });
});
