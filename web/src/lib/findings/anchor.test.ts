import { renderToStaticMarkup } from "react-dom/server";
import Markdown from "react-markdown";
import rehypeSanitize from "rehype-sanitize";
import remarkGfm from "remark-gfm";
import { describe, expect, it } from "vitest";

import { articleSchema } from "@/components/articles/ArticleMarkdown";

import { excerptOf, keyOf, occurrences, plainOf, rehypeFindings, type GateFinding, type Placement } from "./anchor";

/** The article page's pipeline (sanitised GitHub Markdown), then the findings placed. */
function render(markdown: string, findings: GateFinding[]): { html: string; placed: Map<number, Placement> } {
  const placed = new Map<number, Placement>();
  const element = Markdown({
    children: markdown,
    remarkPlugins: [remarkGfm],
    rehypePlugins: [
      [rehypeSanitize, articleSchema],
      [rehypeFindings, { findings, placed, describe: (f: GateFinding) => `${f.action}: ${f.code}` }],
    ],
  });
  return { html: renderToStaticMarkup(element), placed };
}

const ARTICLE = `# Home composting

Composting turns kitchen scraps into **rich, dark soil** for the garden [1]. A balanced heap mixes
green material with brown material such as dry leaves.

## Getting started

- Pick a shaded corner of the yard and start with a layer of [twigs](https://example.org/twigs) for drainage.
- Keep the heap damp.
`;

describe("excerptOf", () => {
  it("takes the quoted text, without the citation prefix", () => {
    expect(excerptOf({ code: "unsupported_citation", action: "repaired", detail: "[2]→[1] Compost is soil." })).toBe(
      "Compost is soil.",
    );
    expect(excerptOf({ code: "unverified_citation", action: "noted", detail: "[3] 퇴비는 흙이 된다." })).toBe("퇴비는 흙이 된다.");
    expect(excerptOf({ code: "duplicate_title", action: "noted", detail: "a second title: Compost" })).toBe("Compost");
  });

  it("finds no text in a message about the whole article", () => {
    for (const code of ["loop", "language", "too_short", "uncited", "keyword", "slug"]) {
      expect(excerptOf({ code, action: "blocking", detail: "Composting turns kitchen scraps into soil" })).toBeNull();
    }
    expect(excerptOf({ code: "unknown_citation", action: "blocking", detail: "[7] names no source of this article" })).toBeNull();
  });
});

describe("keys", () => {
  it("compare letters and digits only: case, spacing, punctuation, quotes, markers and syntax do not count", () => {
    const rendered = keyOf("Composting turns kitchen scraps into \u201crich, dark soil\u201d for the garden [1].").key;
    const quoted = keyOf(plainOf('composting  turns kitchen\nscraps into "rich, dark soil" for the garden.')).key;
    expect(quoted).toBe(rendered);
    expect(keyOf(plainOf("## 1. [Getting](https://x.org) *started* [2]")).key).toBe("1gettingstarted");
    expect(keyOf(plainOf("- ![a photo](https://x.org/a.png) Keep it damp")).key).toBe("keepitdamp");
  });

  it("keep each character's place in the text", () => {
    const { key, positions } = keyOf("a [1] B-c");
    expect(key).toBe("abc");
    expect(positions).toEqual([0, 6, 8]);
  });

  it("place a short excerpt only on a block that is exactly it", () => {
    expect(occurrences("tips", "tips")).toEqual([0]);
    expect(occurrences("moretipsforyou", "tips")).toEqual([]);
    expect(occurrences("abcdefghijklmn abcdefghijklmn".replace(" ", ""), "abcdefghijklmn")).toEqual([0, 14]);
  });
});

describe("rehypeFindings", () => {
  it("highlights a sentence across emphasis, with its note described and focusable", () => {
    const finding = {
      code: "repetition",
      action: "noted",
      detail: "Composting turns kitchen scraps into rich, dark soil for the garden.",
    };
    const { html, placed } = render(ARTICLE, [finding]);
    // One <mark> per piece: before the bold, the bold, after it (up to the sentence's end).
    expect(html).toContain('<mark class="finding-mark" data-action="noted" data-findings="0">Composting turns kitchen scraps into </mark>');
    expect(html).toContain('<strong><mark class="finding-mark" data-action="noted" data-findings="0">rich, dark soil</mark></strong>');
    expect(html).toContain(
      '<mark class="finding-mark" data-action="noted" data-findings="0" id="finding-at-1" tabindex="0" aria-describedby="finding-at-1-note"> for the garden [1].</mark>' +
        '<span id="finding-at-1-note" class="finding-note" role="note" data-action="noted">noted: repetition</span>',
    );
    // The next sentence is left alone.
    expect(html).toContain("</span> A balanced heap");
    expect(placed.get(0)).toEqual({ finding: 0, anchor: "finding-at-1" });
  });

  it("places a list item quoted through its link, and a heading exactly", () => {
    const findings = [
      { code: "unsupported_citation", action: "repaired", detail: "[2]→[1] Pick a shaded corner of the yard and start with a layer of twigs for drainage." },
      { code: "empty_section", action: "noted", detail: "Getting started" },
      { code: "too_short", action: "blocking", detail: "90 words of the 150 asked for" },
      { code: "scaffolding", action: "removed", detail: "Write a warm introduction about compost." },
    ];
    const { html, placed } = render(ARTICLE, findings);
    expect(html).toMatch(/<h2><mark [^>]*data-findings="1" id="finding-at-\d+"[^>]*>Getting started<\/mark><span [^>]*role="note"/);
    expect(html).toMatch(/<a href="https:\/\/example.org\/twigs"><mark [^>]*data-findings="0"[^>]*>twigs<\/mark><\/a>/);
    expect([...placed.keys()].sort()).toEqual([0, 1]);
    // A message about the whole article, and a sentence the gate removed, are not placed: listed.
    expect(placed.has(2)).toBe(false);
    expect(placed.has(3)).toBe(false);
  });

  it("marks every repeat of a sentence, one highlight for two findings on the same words", () => {
    const text = "The heap needs air to work well.\n\nWater it weekly.\n\nThe heap needs air to work well.\n";
    const findings = [
      { code: "repetition", action: "noted", detail: "The heap needs air to work well." },
      { code: "unverified_citation", action: "blocking", detail: "[1] The heap needs air to work well." },
    ];
    const { html, placed } = render(text, findings);
    expect(html.match(/<mark /g)).toHaveLength(2);
    expect(html.match(/data-findings="0 1"/g)).toHaveLength(2);
    // The worse of the two decides the colour; both notes are there.
    expect(html).toContain('data-action="blocking"');
    expect(html).toContain("noted: repetition · blocking: unverified_citation");
    expect(placed.get(0)?.anchor).toBe("finding-at-1");
    expect(placed.get(1)?.anchor).toBe("finding-at-1");
  });

  it("matches Korean whatever the spacing, and escapes what it inserts", () => {
    const text = "퇴비는 부엌  쓰레기를 **정원의 흙**으로 바꿉니다 [1].\n";
    const findings = [{ code: "repetition", action: "noted", detail: "퇴비는 부엌 쓰레기를 정원의 흙으로 바꿉니다." }];
    const { html, placed } = render(text, findings);
    expect(placed.has(0)).toBe(true);
    expect(html).toContain("<strong><mark");
    const hostile = render(text, [{ code: "repetition", action: "noted", detail: "퇴비는 부엌 쓰레기를 정원의 흙으로 바꿉니다." }]);
    expect(hostile.html).not.toContain("<script");
    const { html: escaped } = (() => {
      const placed2 = new Map<number, Placement>();
      const element = Markdown({
        children: text,
        rehypePlugins: [
          [rehypeSanitize, articleSchema],
          [rehypeFindings, { findings, placed: placed2, describe: () => "<img src=x onerror=alert(1)>" }],
        ],
      });
      return { html: renderToStaticMarkup(element) };
    })();
    expect(escaped).toContain("&lt;img src=x onerror=alert(1)&gt;");
  });
});
