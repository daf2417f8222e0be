import { describe, expect, it } from "vitest";

import { splitSamples, splitUrls } from "./learn";

describe("the learn form's text boxes", () => {
  it("splits samples on blank lines and --- lines, dropping empty ones", () => {
    expect(splitSamples("First sample.\nSame sample.\n\nSecond one.\n---\nThird.\n\n\n")).toEqual(["First sample.\nSame sample.", "Second one.", "Third."]);
    expect(splitSamples("   \n\n")).toEqual([]);
  });

  it("reads one URL per line or space", () => {
    expect(splitUrls(" https://a.example/\nhttps://b.example/x  https://c.example ")).toEqual(["https://a.example/", "https://b.example/x", "https://c.example"]);
  });
});
