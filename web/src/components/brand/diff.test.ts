import { describe, expect, it } from "vitest";

import { diffRows, fieldKey, show } from "./diff";

describe("a brand kit's changes as rows", () => {
  it("shows colours as colours and palettes as swatches", () => {
    expect(show("#14532D")).toEqual({ type: "colour", hex: "#14532d" });
    expect(show([{ hex: "#112233", share: 0.5 }, { hex: "#ffffff", share: 0.2 }])).toEqual({ type: "palette", colours: ["#112233", "#ffffff"] });
    // A name that happens to be hex-like without the # is text, not a colour.
    expect(show("abc")).toEqual({ type: "text", text: "abc" });
  });

  it("says what a list gained and lost", () => {
    const [row] = diffRows([{ field: "tone.do_phrases", before: ["grow", "soil"], after: ["soil", "harvest"] }]);
    expect(row?.kind).toBe("changed");
    expect(row?.added).toEqual(["harvest"]);
    expect(row?.removed).toEqual(["grow"]);
  });

  it("tells an added or removed field from a changed one", () => {
    const rows = diffRows([
      { field: "tone", before: null, after: { formality: "casual", formality_score: 0.25 } },
      { field: "heading_font", before: "Inter", after: null },
      { field: "tone.mean_sentence_words", before: 14, after: 11.456 },
    ]);
    expect(rows.map((row) => row.kind)).toEqual(["added", "removed", "changed"]);
    expect(rows[0]?.after).toEqual({ type: "text", text: "formality: casual; formality_score: 0.25" });
    expect(show({ vocabulary: ["soil", "worms"] })).toEqual({ type: "text", text: "vocabulary: soil · worms" });
    expect(rows[2]?.after).toEqual({ type: "text", text: "11.46" });
    expect(rows[2]?.added).toEqual([]);
  });

  it("names fields by translation keys", () => {
    expect(fieldKey("tone.formality")).toBe("tone_formality");
    expect(fieldKey("background")).toBe("background");
  });
});
