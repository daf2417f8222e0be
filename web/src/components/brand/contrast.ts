/** WCAG 2 contrast, the same formula the API checks a brand kit with (icop.brand.palette). */

const HEX = /^#?([0-9a-f]{3}|[0-9a-f]{6})$/i;

/** "#abc" or "#aabbcc" as [r, g, b]; null for anything else (a colour being typed). */
export function parseHex(value: string): [number, number, number] | null {
  const match = HEX.exec(value.trim());
  if (!match) return null;
  let hex = match[1] ?? "";
  if (hex.length === 3) hex = hex.replace(/./g, (digit) => digit + digit);
  return [0, 2, 4].map((start) => parseInt(hex.slice(start, start + 2), 16)) as [number, number, number];
}

function luminance([r, g, b]: [number, number, number]): number {
  const linear = (channel: number) => {
    const c = channel / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b);
}

/** The contrast ratio of two colours (1 … 21), or null when either is not a colour yet. */
export function contrastRatio(foreground: string, background: string): number | null {
  const a = parseHex(foreground);
  const b = parseHex(background);
  if (!a || !b) return null;
  const [la, lb] = [luminance(a), luminance(b)];
  return (Math.max(la, lb) + 0.05) / (Math.min(la, lb) + 0.05);
}

/** What a ratio is good for: AA body text needs 4.5:1; large text (and the API's floor for
 * cards, whose titles are large) 3:1. */
export type ContrastGrade = "aaa" | "aa" | "large" | "fail";

export function grade(ratio: number): ContrastGrade {
  if (ratio >= 7) return "aaa";
  if (ratio >= 4.5) return "aa";
  if (ratio >= 3) return "large";
  return "fail";
}

/** The API refuses a kit whose text on background is under this. */
export const MIN_CARD_CONTRAST = 3;

/** A contrast pair as shown: its ratio rounded as people read it ("4.5:1") and its grade. */
export function describePair(foreground: string, background: string, ratio?: number | null): { ratio: number; label: string; grade: ContrastGrade } | null {
  const measured = ratio ?? contrastRatio(foreground, background);
  if (measured === null || measured === undefined || !Number.isFinite(measured)) return null;
  const rounded = Math.floor(measured * 10) / 10;
  return { ratio: measured, label: `${rounded.toFixed(1)}:1`, grade: grade(measured) };
}
