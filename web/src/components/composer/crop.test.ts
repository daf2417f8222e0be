import { describe, expect, it } from "vitest";

import { cropAspect, mediaFor } from "./Composer";

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

describe("the media a post carries", () => {
  const clip = { url: "https://cdn.example/v.mp4", width: 1080, height: 1920, duration_s: 28.5, size_bytes: 4_200_000, cover: "https://cdn.example/c.jpg" };

  it("sends a video as a video, with its cover, and describes it to the validator", () => {
    const media = mediaFor("video", wide, clip);
    expect(media.send).toEqual([{ url: clip.url, width: 1080, height: 1920, format: "mp4", size_bytes: 4_200_000, kind: "video", duration_s: 28.5, cover_url: clip.cover }]);
    expect(media.describe).toEqual([{ width: 1080, height: 1920, format: "mp4", size_bytes: 4_200_000, kind: "video", duration_s: 28.5 }]);
  });

  it("sends the image when the image is chosen, and nothing when the chosen kind has none", () => {
    expect(mediaFor("image", wide, clip).send).toEqual([{ url: wide.url, width: 3000, height: 1000, format: "jpeg" }]);
    expect(mediaFor("video", wide, null)).toEqual({ send: [], describe: [] });
    expect(mediaFor("image", null, clip)).toEqual({ send: [], describe: [] });
  });
});
