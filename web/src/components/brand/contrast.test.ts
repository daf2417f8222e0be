import { describe, expect, it } from "vitest";

import { contrastRatio, describePair, grade, parseHex } from "./contrast";

describe("the WCAG contrast of a brand kit", () => {
  it("reads #rgb and #rrggbb, and nothing else", () => {
    expect(parseHex("#fff")).toEqual([255, 255, 255]);
    expect(parseHex("#14532D")).toEqual([20, 83, 45]);
    expect(parseHex("#12")).toBeNull();
    expect(parseHex("red")).toBeNull();
  });

  it("gives black on white 21:1 and a colour on itself 1:1, in either order", () => {
    expect(contrastRatio("#000", "#fff")).toBeCloseTo(21, 5);
    expect(contrastRatio("#fff", "#000")).toBeCloseTo(21, 5);
    expect(contrastRatio("#777777", "#777777")).toBeCloseTo(1, 5);
  });

  it("matches the known ratio of a mid grey on white and grades it", () => {
    const ratio = contrastRatio("#767676", "#ffffff");
    expect(ratio).toBeCloseTo(4.54, 2);
    expect(grade(ratio!)).toBe("aa");
    expect(grade(contrastRatio("#949494", "#ffffff")!)).toBe("large");
    expect(grade(contrastRatio("#cccccc", "#ffffff")!)).toBe("fail");
    expect(grade(21)).toBe("aaa");
  });

  it("has no ratio while a colour is half typed", () => {
    expect(contrastRatio("#12", "#fff")).toBeNull();
  });
});

describe("a contrast pair as shown", () => {
  it("rounds down, so 4.49 never reads as passing 4.5", () => {
    expect(describePair("#000", "#fff")).toEqual({ ratio: 21, label: "21.0:1", grade: "aaa" });
    expect(describePair("#777", "#fff", 4.49)?.label).toBe("4.4:1");
    expect(describePair("#777", "#fff", 4.49)?.grade).toBe("large");
    expect(describePair("#12", "#fff")).toBeNull();
  });
});
