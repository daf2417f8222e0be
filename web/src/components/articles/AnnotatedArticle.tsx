import { TypographyStylesProvider } from "@mantine/core";
import type { ReactNode } from "react";
import Markdown from "react-markdown";
import rehypeSanitize from "rehype-sanitize";
import remarkGfm from "remark-gfm";

import { withoutFrontMatter } from "@/lib/markdown";
import { rehypeFindings, type GateFinding, type Placement } from "@/lib/findings/anchor";

import { articleSchema } from "./ArticleMarkdown";

/** The article rendered with the gate's findings on the sentences they quote, and where each
 * landed (by the finding's index), for the list under it. Rendered on the server only: the
 * highlighting ships no JavaScript (the notes open on hover and focus by CSS). */
export function annotateArticle(
  markdown: string,
  findings: GateFinding[],
  describe: (finding: GateFinding) => string,
): { article: ReactNode; placed: Map<number, Placement> } {
  const placed = new Map<number, Placement>();
  // Markdown is a plain function (no hooks): called here, the plugin has run when it returns,
  // so the list below the article knows which findings it placed.
  const rendered = Markdown({
    children: withoutFrontMatter(markdown),
    remarkPlugins: [remarkGfm],
    rehypePlugins: [
      [rehypeSanitize, articleSchema],
      [rehypeFindings, { findings, describe, placed }],
    ],
  });
  return {
    article: (
      <TypographyStylesProvider className="markdown annotated" data-testid="annotated-article">
        {rendered}
      </TypographyStylesProvider>
    ),
    placed,
  };
}
