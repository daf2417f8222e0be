/** A brand kit's changes (the API's ``KitChangeOut``: a field, its value before and after) as
 * rows a person reads: colours as colours, lists as what was added and removed, the tone
 * field by field. Pure, so the page and its tests agree on what a change says. */

import { parseHex } from "./contrast";

export interface KitChange {
  field: string;
  before?: unknown;
  after?: unknown;
}

/** One side of a change, shaped for display. */
export type Shown =
  | { type: "none" }
  | { type: "colour"; hex: string }
  | { type: "palette"; colours: string[] }
  | { type: "list"; items: string[] }
  | { type: "text"; text: string };

export interface DiffRow {
  field: string;
  kind: "added" | "removed" | "changed";
  before: Shown;
  after: Shown;
  /** Lists only: the items only one side has (what a person wants to see first). */
  added: string[];
  removed: string[];
}

function isEmpty(value: unknown): boolean {
  return value === null || value === undefined || value === "" || (Array.isArray(value) && value.length === 0);
}

function asText(value: unknown): string {
  if (typeof value === "number") return Number.isInteger(value) ? String(value) : value.toFixed(2);
  if (typeof value === "string") return value;
  if (typeof value === "boolean") return value ? "yes" : "no";
  if (value && typeof value === "object" && "hex" in value && typeof value.hex === "string") return value.hex;
  return JSON.stringify(value);
}

/** A value as it is best shown: "#aabbcc" as a colour, a palette (entries with ``hex``) as
 * swatches, other lists as items, the rest as text. */
export function show(value: unknown): Shown {
  if (isEmpty(value)) return { type: "none" };
  if (typeof value === "string" && parseHex(value) && value.startsWith("#")) return { type: "colour", hex: value.toLowerCase() };
  if (Array.isArray(value)) {
    const hexes = value.map((item) => (item && typeof item === "object" && "hex" in item ? String(item.hex) : null));
    if (hexes.every((hex): hex is string => hex !== null && parseHex(hex) !== null)) return { type: "palette", colours: hexes.map((hex) => hex.toLowerCase()) };
    return { type: "list", items: value.map(asText) };
  }
  if (value && typeof value === "object") {
    // A whole object (a tone added or removed): its fields in words, lists joined as read.
    const field = (item: unknown) => (Array.isArray(item) ? item.map(asText).join(" · ") : asText(item));
    return { type: "text", text: Object.entries(value).map(([key, item]) => `${key}: ${field(item)}`).join("; ") };
  }
  return { type: "text", text: asText(value) };
}

function items(shown: Shown): string[] {
  if (shown.type === "palette") return shown.colours;
  if (shown.type === "list") return shown.items;
  return [];
}

export function diffRows(changes: readonly KitChange[]): DiffRow[] {
  return changes.map((change) => {
    const before = show(change.before);
    const after = show(change.after);
    const kind = before.type === "none" ? "added" : after.type === "none" ? "removed" : "changed";
    const old = new Set(items(before));
    const now = new Set(items(after));
    return {
      field: change.field,
      kind,
      before,
      after,
      added: [...now].filter((item) => !old.has(item)),
      removed: [...old].filter((item) => !now.has(item)),
    };
  });
}

/** The translation key of a field ("tone.formality" → "tone_formality"); unknown fields are
 * shown by their API name. */
export function fieldKey(field: string): string {
  return field.replace(/\./g, "_");
}
