// Placing the publishability gate's findings on the sentences they point at.
//
// A finding is `{code, action, detail}` (src/icop/agents/schemas/quality.py). For most codes
// the detail *is* the text it is about — the sentence, the heading, the line — sometimes after
// a citation prefix ("[2] …", "[2]→[3] …"); for the others (loop, language, too_short, …) it
// is a message about the whole article. The detail was taken from the Markdown (or from the
// gate's plain reading of it) and the page shows rendered HTML, so both sides are compared
// on their letters and digits only: case, whitespace, punctuation, quotes, emphasis markers,
// link syntax and citation markers make no difference. A finding whose text is no longer in
// the article (the gate removed it) is not placed; the page lists it.

import type { Element, ElementContent, Root, RootContent, Text } from "hast";

export interface GateFinding {
  code: string;
  action: string;
  detail: string;
}

/** Codes whose detail quotes the text it is about (icop.agents.gate, icop.articles.editing). */
const POINTING = new Set([
  "scaffolding",
  "label",
  "reference_list",
  "raw_data",
  "repetition",
  "unknown_citation",
  "unsupported_citation",
  "unverified_citation",
  "misplaced_citation",
  "duplicate_title",
  "sentence_heading",
  "empty_section",
  "unfinished",
]);

/** Under this many letters an excerpt is placed only on a block that is exactly it (a short
 * heading): as a substring it would land on any sentence that happens to contain it. */
const MIN_SUBSTRING = 12;

const CITATION_PREFIX = /^\[\d+\](?:\s*(?:→|->)\s*\[\d+\])?\s+/;
const CITATION_MARKER = /\[\d+(?:\s*[,–-]\s*\d+)*\]/g;
const SIGNIFICANT = /[\p{L}\p{N}\p{M}]/u;
const TAIL = /^(?:\s*\[\d+(?:\s*[,–-]\s*\d+)*\])*[.!?\u3002\u2026"'\u201d\u2019)]*/;

/** The text a finding quotes, as Markdown, or null when it quotes none. */
export function excerptOf(finding: GateFinding): string | null {
  if (!POINTING.has(finding.code)) return null;
  let text = finding.detail.trim();
  // A person's edit names a citation that resolves nowhere: the detail is a message.
  if (finding.code === "unknown_citation" && /names no source/.test(text)) return null;
  text = text.replace(/^a second title:\s*/, "").replace(CITATION_PREFIX, "");
  return text.trim() || null;
}

/** What a stretch of Markdown reads as, without its syntax. */
export function plainOf(markdown: string): string {
  return markdown
    .split("\n")
    .map((line) => {
      const quoted = line.replace(/^\s*>\s?/, "");
      const heading = /^\s{0,3}#{1,6}\s+/;
      // A heading's "1." is its text; a list item's is the list's numbering.
      return heading.test(quoted)
        ? quoted.replace(heading, "").replace(/\s+#+\s*$/, "")
        : quoted.replace(/^\s*(?:[-*+]|\d{1,3}[.)])\s+/, "");
    })
    .join(" ")
    .replace(/!\[[^\]]*\]\([^)]*\)/g, "")
    .replace(/\[([^\]]+)\]\([^)]*\)/g, "$1");
}

/** A text's letters and digits, lower-cased, citation markers dropped, with each kept
 * character's index in the text (so that a match found here can be cut out of the text). */
export function keyOf(text: string): { key: string; positions: number[] } {
  const dropped = new Set<number>();
  for (const match of text.matchAll(CITATION_MARKER)) {
    for (let index = match.index; index < match.index + match[0].length; index += 1) dropped.add(index);
  }
  let key = "";
  const positions: number[] = [];
  for (let index = 0; index < text.length; index += 1) {
    const char = text.charAt(index);
    if (dropped.has(index) || !SIGNIFICANT.test(char)) continue;
    // toLowerCase can lengthen a character (İ): one key character per source character.
    const lower = char.toLowerCase();
    key += lower.length === 1 ? lower : char;
    positions.push(index);
  }
  return { key, positions };
}

/** Where `needle` (a finding's key) occurs in `haystack` (a block's key): start indexes. */
export function occurrences(haystack: string, needle: string): number[] {
  if (!needle) return [];
  if (needle.length < MIN_SUBSTRING) return haystack === needle ? [0] : [];
  const found: number[] = [];
  for (let at = haystack.indexOf(needle); at !== -1; at = haystack.indexOf(needle, at + needle.length)) {
    found.push(at);
  }
  return found;
}

// --- the rehype plugin -------------------------------------------------------------------

const BLOCKS = new Set(["p", "li", "h1", "h2", "h3", "h4", "h5", "h6", "td", "th", "dt", "dd", "figcaption", "blockquote"]);

export interface Placement {
  /** The finding's index in the list given. */
  finding: number;
  /** The id of the focusable highlight, for a link from the list. */
  anchor: string;
}

export interface FindingsOptions {
  findings: GateFinding[];
  /** The note shown beside a highlighted sentence. */
  describe: (finding: GateFinding) => string;
  /** Filled while the tree is annotated: where each placed finding landed (first place). */
  placed: Map<number, Placement>;
  /** A prefix for the ids, unique on the page. */
  idPrefix?: string;
}

interface Segment {
  node: Text;
  parent: Element;
  start: number;
}

interface Range {
  start: number;
  end: number;
  findings: number[];
}

/** The text nodes of a block in reading order, nested blocks left to their own turn. */
function segments(block: Element): { text: string; parts: Segment[] } {
  const parts: Segment[] = [];
  let text = "";
  const walk = (element: Element) => {
    for (const child of element.children) {
      if (child.type === "text") {
        parts.push({ node: child, parent: element, start: text.length });
        text += child.value;
      } else if (child.type === "element" && !BLOCKS.has(child.tagName)) {
        walk(child);
      }
    }
  };
  walk(block);
  return { text, parts };
}

function blocksOf(root: Root): Element[] {
  const found: Element[] = [];
  const walk = (nodes: (RootContent | ElementContent)[]) => {
    for (const node of nodes) {
      if (node.type !== "element") continue;
      if (BLOCKS.has(node.tagName)) found.push(node);
      walk(node.children);
    }
  };
  walk(root.children);
  return found;
}

/** Ranges of the block's text the findings quote; overlapping ones keep the first, the same
 * stretch quoted by two findings is one highlight with both notes. */
function rangesIn(text: string, keys: (string | null)[]): Range[] {
  const { key, positions } = keyOf(text);
  const ranges: Range[] = [];
  keys.forEach((needle, finding) => {
    if (!needle) return;
    for (const at of occurrences(key, needle)) {
      const start = positions[at] ?? 0;
      // The sentence's own end goes with it: its citation markers and closing punctuation.
      const last = (positions[at + needle.length - 1] ?? 0) + 1;
      const end = last + (TAIL.exec(text.slice(last))?.[0].length ?? 0);
      const same = ranges.find((range) => range.start === start && range.end === end);
      if (same) same.findings.push(finding);
      else if (!ranges.some((range) => start < range.end && range.start < end)) ranges.push({ start, end, findings: [finding] });
    }
  });
  return ranges.sort((a, b) => a.start - b.start);
}

const SEVERITY = ["blocking", "noted", "repaired", "removed"];

/** rehype: wrap each quoted stretch in `<mark>` with its note. The last piece of a highlight
 * is focusable and described by the note right after it (shown on hover and focus by CSS);
 * a highlight across inline elements (a link, emphasis) is one `<mark>` per piece. Runs after
 * rehype-sanitize: what it adds is built here, the text it wraps is the sanitised text. */
export function rehypeFindings(options: FindingsOptions) {
  const keys = options.findings.map((finding) => {
    const excerpt = excerptOf(finding);
    return excerpt ? keyOf(plainOf(excerpt)).key : null;
  });
  const prefix = options.idPrefix ?? "finding";
  return (tree: Root) => {
    let count = 0;
    for (const block of blocksOf(tree)) {
      const { text, parts } = segments(block);
      const ranges = rangesIn(text, keys);
      if (ranges.length === 0) continue;
      const ids = ranges.map(() => `${prefix}-at-${(count += 1)}`);
      ranges.forEach((range, index) => {
        for (const finding of range.findings) {
          if (!options.placed.has(finding)) options.placed.set(finding, { finding, anchor: ids[index] ?? "" });
        }
      });
      for (const part of parts) {
        const pieces = cut(part, ranges, ids, options);
        if (pieces.length === 1 && pieces[0] === part.node) continue;
        const at = part.parent.children.indexOf(part.node);
        part.parent.children.splice(at, 1, ...pieces);
      }
    }
  };
}

/** One text node cut at the ranges' edges: plain text, marks, and a note after a range's end. */
function cut(part: Segment, ranges: Range[], ids: string[], options: FindingsOptions): ElementContent[] {
  const from = part.start;
  const to = part.start + part.node.value.length;
  const pieces: ElementContent[] = [];
  let at = from;
  ranges.forEach((range, index) => {
    const start = Math.max(range.start, from);
    const end = Math.min(range.end, to);
    if (start >= end) return;
    if (start > at) pieces.push({ type: "text", value: part.node.value.slice(at - from, start - from) });
    const last = end === range.end;
    const findings = range.findings
      .map((finding) => options.findings[finding])
      .filter((finding): finding is GateFinding => finding !== undefined);
    const action = SEVERITY.find((level) => findings.some((finding) => finding.action === level)) ?? "noted";
    const id = ids[index] ?? "";
    const noteId = `${id}-note`;
    pieces.push({
      type: "element",
      tagName: "mark",
      properties: {
        className: ["finding-mark"],
        dataAction: action,
        dataFindings: range.findings.join(" "),
        ...(last ? { id, tabIndex: 0, ariaDescribedBy: [noteId] } : {}),
      },
      children: [{ type: "text", value: part.node.value.slice(start - from, end - from) }],
    });
    if (last) {
      pieces.push({
        type: "element",
        tagName: "span",
        properties: { id: noteId, className: ["finding-note"], role: "note", dataAction: action },
        children: [{ type: "text", value: findings.map(options.describe).join(" · ") }],
      });
    }
    at = end;
  });
  if (pieces.length === 0) return [part.node];
  if (at < to) pieces.push({ type: "text", value: part.node.value.slice(at - from) });
  return pieces;
}
