import { describe, expect, it } from "vitest";

import { handActions, historyKey, loadableSource, normaliseAngle, objectsById } from "./edits";
import type { DesignObject } from "./types";

const BOX: DesignObject = { id: "box", type: "Rect", left: 100, top: 50, width: 200, height: 80, scaleX: 1, scaleY: 1, angle: 0 };
const state = (changes: Partial<Record<"left" | "top" | "width" | "height" | "scaleX" | "scaleY" | "angle", number>>) => ({
  left: 100,
  top: 50,
  width: 200,
  height: 80,
  scaleX: 1,
  scaleY: 1,
  angle: 0,
  ...changes,
});

describe("handActions", () => {
  it("turns a drag into one absolute move of the corner", () => {
    expect(handActions(BOX, state({ left: 160.4, top: 20 }))).toEqual([
      { kind: "move", targets: ["box"], x: 160.4, y: 20, relative: false },
    ]);
  });

  it("says nothing when the object did not change", () => {
    expect(handActions(BOX, state({}))).toEqual([]);
  });

  it("turns a corner drag into a uniform resize, then the corner's move", () => {
    expect(handActions(BOX, state({ scaleX: 1.5, scaleY: 1.5, left: 80 }))).toEqual([
      { kind: "resize", targets: ["box"], scale: 1.5 },
      { kind: "move", targets: ["box"], x: 80, y: 50, relative: false },
    ]);
  });

  it("turns a side handle into a size in pixels, except for pictures and circles", () => {
    expect(handActions(BOX, state({ scaleX: 2 }))).toEqual([{ kind: "resize", targets: ["box"], width: 400, height: 80 }]);
    const photo: DesignObject = { ...BOX, id: "photo", type: "Image" };
    expect(handActions(photo, state({ scaleX: 4, scaleY: 1 }))).toEqual([{ kind: "resize", targets: ["photo"], scale: 2 }]);
  });

  it("re-wraps a text box whose width changed", () => {
    const title: DesignObject = { ...BOX, id: "title", type: "Textbox" };
    expect(handActions(title, state({ width: 320 }))).toEqual([{ kind: "resize", targets: ["title"], width: 320 }]);
    // Fabric computes a text box's height from its text: a drag alone is a move.
    expect(handActions({ ...title, height: 0 }, state({ height: 93, left: 120 }))).toEqual([
      { kind: "move", targets: ["title"], x: 120, y: 50, relative: false },
    ]);
  });

  it("turns a rotation about the centre into the angle, then the corner it moved", () => {
    expect(handActions(BOX, state({ angle: 270, left: 140, top: 190 }))).toEqual([
      { kind: "rotate", targets: ["box"], angle: -90, relative: false },
      { kind: "move", targets: ["box"], x: 140, y: 190, relative: false },
    ]);
  });
});

describe("helpers", () => {
  it("keeps angles within one turn either way", () => {
    expect(normaliseAngle(0)).toBe(0);
    expect(normaliseAngle(350)).toBe(-10);
    expect(normaliseAngle(-190)).toBe(170);
  });

  it("finds groups' members by id", () => {
    const found = objectsById([{ id: "g", type: "Group", objects: [{ id: "m", type: "Rect" }] }]);
    expect([...found.keys()]).toEqual(["g", "m"]);
  });

  it("reads Ctrl/Cmd-Z as undo and Shift-Z or Y as redo, never while typing", () => {
    const key = { ctrlKey: true, metaKey: false, shiftKey: false, altKey: false, typing: false };
    expect(historyKey({ ...key, key: "z" })).toBe("undo");
    expect(historyKey({ ...key, key: "Z", shiftKey: true })).toBe("redo");
    expect(historyKey({ ...key, key: "y" })).toBe("redo");
    expect(historyKey({ ...key, ctrlKey: false, metaKey: true, key: "z" })).toBe("undo");
    expect(historyKey({ ...key, key: "z", typing: true })).toBeNull();
    expect(historyKey({ ...key, ctrlKey: false, key: "z" })).toBeNull();
  });

  it("loads the API's own and http(s) pictures, not object-store keys", () => {
    expect(loadableSource("/api/v1/designs/x/render.png")).toBe(true);
    expect(loadableSource("https://example.org/a.jpg")).toBe(true);
    expect(loadableSource("media/a.jpg")).toBe(false);
  });
});
