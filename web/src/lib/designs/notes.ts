/** A version's note as the API writes it ("created", "restored 3", "edited: move, resize"), read
 * back into parts the page can say in its own language. A command's own description (in the
 * language it was typed in) is shown as it is. */
export type NoteReading =
  | { kind: "created" }
  | { kind: "restored"; number: number }
  | { kind: "edited"; actions: string[] }
  | { kind: "text"; text: string };

const EDITED = /^edited: ([a-z_]+(?:, [a-z_]+)*)$/;
const RESTORED = /^restored (\d+)$/;

export function readNote(note: string | null | undefined): NoteReading {
  const text = (note ?? "").trim();
  if (text === "created") return { kind: "created" };
  const restored = RESTORED.exec(text);
  if (restored) return { kind: "restored", number: Number(restored[1]) };
  const edited = EDITED.exec(text);
  if (edited?.[1]) return { kind: "edited", actions: edited[1].split(", ") };
  return { kind: "text", text };
}
