import { describe, expect, it } from "vitest";

import { length, seoProblems, splitList, type SeoValues } from "./seo";

const FINE: SeoValues = {
  title: "Compost at home",
  meta_description: "Kitchen scraps into soil.",
  slug: "compost-at-home",
  keywords: ["composting"],
  hashtags: ["compost"],
};

describe("seoProblems", () => {
  it("accepts the limits exactly, counting characters as the API does", () => {
    expect(length("퇴비 만들기")).toBe(6);
    expect(length("🌱a")).toBe(2);
    const full = { ...FINE, title: "가".repeat(60), meta_description: "🌱".repeat(160) };
    expect(seoProblems(full).any).toBe(false);
    expect(seoProblems(full).lengths.title).toBe(60);
  });

  it("names what is over, empty, too many or twice", () => {
    expect(seoProblems({ ...FINE, title: "t".repeat(61) }).title).toBe("tooLong");
    expect(seoProblems({ ...FINE, meta_description: "  " }).meta_description).toBe("empty");
    expect(seoProblems({ ...FINE, keywords: Array.from({ length: 11 }, (_, n) => `k${n}`) }).keywords).toBe("tooMany");
    expect(seoProblems({ ...FINE, hashtags: ["h".repeat(41)] }).hashtags).toBe("itemTooLong");
    expect(seoProblems({ ...FINE, hashtags: ["Compost", "compost"] }).hashtags).toBe("duplicate");
    expect(seoProblems({ ...FINE, slug: "h".repeat(81) }).any).toBe(true);
  });

  it("splits typed lists", () => {
    expect(splitList(" compost heap, ,garden ", /,/)).toEqual(["compost heap", "garden"]);
    expect(splitList("#compost  #garden,#soil", /[\s,]+/)).toEqual(["#compost", "#garden", "#soil"]);
  });
});
