// An article's file starts with YAML front matter (title, description, slug, keywords…): data
// for the SEO fields, not text. Rendered as Markdown, its closing "---" turns the last field
// into a heading ("language: en" in large type above the article).
const FRONT_MATTER = /^---\r?\n[\s\S]*?\r?\n---[ \t]*(?:\r?\n|$)/;

export function withoutFrontMatter(markdown: string): string {
  return markdown.replace(FRONT_MATTER, "").replace(/^\s+/, "");
}
