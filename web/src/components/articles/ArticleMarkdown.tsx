import { TypographyStylesProvider } from "@mantine/core";
import Markdown from "react-markdown";
import rehypeSanitize, { defaultSchema } from "rehype-sanitize";
import remarkGfm from "remark-gfm";

import { withoutFrontMatter } from "@/lib/markdown";

// The article's markdown came from a model: it is rendered through GitHub's sanitising
// schema (no raw HTML, no script or javascript: URLs), on the server. Its front matter is the
// SEO fields' data, shown apart from the text.
export const articleSchema = {
  ...defaultSchema,
  protocols: { ...defaultSchema.protocols, src: ["http", "https"], href: ["http", "https", "mailto"] },
};

export function ArticleMarkdown({ markdown }: { markdown: string }) {
  return (
    <TypographyStylesProvider className="markdown">
      <Markdown remarkPlugins={[remarkGfm]} rehypePlugins={[[rehypeSanitize, articleSchema]]}>
        {withoutFrontMatter(markdown)}
      </Markdown>
    </TypographyStylesProvider>
  );
}
