import { describe, expect, it } from "vitest";

import { slugProblem } from "./slug";

describe("slugProblem", () => {
  it("accepts lower-case words joined by single hyphens", () => {
    expect(slugProblem("garden-notes")).toBeNull();
    expect(slugProblem("blog2026")).toBeNull();
  });

  it("names the length first, then the characters", () => {
    expect(slugProblem("ab")).toBe("length");
    expect(slugProblem("x".repeat(61))).toBe("length");
    for (const bad of ["Garden", "two--hyphens", "-edge", "edge-", "café", "with space", "dot.ted"]) {
      expect(slugProblem(bad)).toBe("characters");
    }
  });
});
