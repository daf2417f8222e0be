/** What a hand edit on the canvas means as the API's actions. Fabric reports an object's state
 * after a drag, a resize or a turn; compared with the same object in the stored document it
 * becomes move / resize / rotate actions that the API applies as one new version. Pure, so it
 * is unit-tested (edits.test.ts). */

import type { DesignObject, HandAction } from "./types";

/** The state Fabric gives for an object after the person let go of it. */
export type CanvasState = {
  left: number;
  top: number;
  width: number;
  height: number;
  scaleX: number;
  scaleY: number;
  angle: number;
};

const EPSILON = 0.01;

function differs(a: number, b: number): boolean {
  return Math.abs(a - b) > EPSILON;
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}

/** The turn as the API keeps it (one turn either way: -180..180). */
export function normaliseAngle(angle: number): number {
  const turned = ((((angle + 180) % 360) + 360) % 360) - 180;
  return round(turned);
}

/** Objects a resize may only scale uniformly: a picture's width is its crop, a circle's size
 * is its radius, a line's is its ends. */
export function scalesOnly(type: string): boolean {
  return type === "Image" || type === "Circle" || type === "Line";
}

/**
 * The actions that take `before` (the stored object) to `after` (the canvas), in the order the
 * API applies them: a resize or a turn first (both keep the corner put), then a move of the
 * corner to where Fabric left it (a turn about the centre moves the corner too).
 */
export function handActions(before: DesignObject, after: CanvasState): HandAction[] {
  const id = before.id;
  const actions: HandAction[] = [];
  const width = before.width ?? 0;
  const height = before.height ?? 0;
  const scaleX = before.scaleX ?? 1;
  const scaleY = before.scaleY ?? 1;
  const ratioX = after.scaleX / scaleX;
  const ratioY = after.scaleY / scaleY;
  if (differs(ratioX, 1) || differs(ratioY, 1)) {
    if (!differs(ratioX, ratioY) || scalesOnly(before.type)) {
      actions.push({ kind: "resize", targets: [id], scale: round(Math.sqrt(ratioX * ratioY) * 1000) / 1000 });
    } else if (before.type === "Textbox") {
      actions.push({ kind: "resize", targets: [id], width: round(after.width * after.scaleX) });
    } else {
      actions.push({
        kind: "resize",
        targets: [id],
        width: round(after.width * after.scaleX),
        height: round(after.height * after.scaleY),
      });
    }
  } else if (before.type === "Textbox") {
    // A text box's side handles change its width (the text re-wraps), not its scale; its
    // height is Fabric's to compute from the text.
    if (differs(after.width, width)) actions.push({ kind: "resize", targets: [id], width: round(after.width * after.scaleX) });
  } else if (differs(after.width, width) || differs(after.height, height)) {
    actions.push({
      kind: "resize",
      targets: [id],
      width: round(after.width * after.scaleX),
      height: round(after.height * after.scaleY),
    });
  }
  if (differs(normaliseAngle(after.angle), normaliseAngle(before.angle ?? 0))) {
    actions.push({ kind: "rotate", targets: [id], angle: normaliseAngle(after.angle), relative: false });
  }
  if (differs(after.left, before.left ?? 0) || differs(after.top, before.top ?? 0)) {
    actions.push({ kind: "move", targets: [id], x: round(after.left), y: round(after.top), relative: false });
  }
  return actions;
}

/** Every object of a document by id, groups' members too. */
export function objectsById(objects: DesignObject[]): Map<string, DesignObject> {
  const found = new Map<string, DesignObject>();
  for (const item of objects) {
    found.set(item.id, item);
    for (const member of item.objects ?? []) found.set(member.id, member);
  }
  return found;
}

/** Whether a key press asks for undo or redo: Ctrl/Cmd-Z undoes, Ctrl/Cmd-Shift-Z and
 * Ctrl/Cmd-Y redo. Never while typing in a field (the field's own undo wins there). */
export function historyKey(event: {
  key: string;
  ctrlKey: boolean;
  metaKey: boolean;
  shiftKey: boolean;
  altKey: boolean;
  typing: boolean;
}): "undo" | "redo" | null {
  if (event.typing || event.altKey || !(event.ctrlKey || event.metaKey)) return null;
  const key = event.key.toLowerCase();
  if (key === "z") return event.shiftKey ? "redo" : "undo";
  if (key === "y" && !event.shiftKey) return "redo";
  return null;
}

/** A picture the browser can load: the API's own paths, http(s) and data URLs. An object-store
 * key ("media/…") is not one; the canvas shows a placeholder for it (the server renders it). */
export function loadableSource(src: string): boolean {
  return /^(https?:\/\/|data:image\/|\/)/.test(src);
}
