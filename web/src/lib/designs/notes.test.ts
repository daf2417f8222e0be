import { describe, expect, it } from "vitest";

import { readNote } from "./notes";

describe("readNote", () => {
  it("reads the notes the API writes itself", () => {
    expect(readNote("created")).toEqual({ kind: "created" });
    expect(readNote("restored 3")).toEqual({ kind: "restored", number: 3 });
    expect(readNote("edited: move, resize")).toEqual({ kind: "edited", actions: ["move", "resize"] });
  });
  it("leaves a command's own description as it was written", () => {
    expect(readNote("제목: 크기 x1.25")).toEqual({ kind: "text", text: "제목: 크기 x1.25" });
    expect(readNote("title: size x1.25; title: fill #facc15")).toEqual({ kind: "text", text: "title: size x1.25; title: fill #facc15" });
    expect(readNote(null)).toEqual({ kind: "text", text: "" });
  });
});
