/** The public blog's machine-readable documents: the sitemap, the RSS feed and the article's
 * JSON-LD. Pure functions of the API's answers (src/api/public.ts), so they are unit-tested. */

export type FeedBlog = {
  name: string;
  url: string;
  articles: { title: string; description: string; url: string; language: string; published_at: string; updated_at: string }[];
};

export type LdArticle = {
  title: string;
  description: string;
  url: string;
  language: string;
  keywords: string[];
  published_at: string;
  updated_at: string;
  images: { url: string }[];
  blog: { name: string; url: string };
};

const XML_ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&apos;" };

export function escapeXml(text: string): string {
  // Characters XML 1.0 does not allow at all are dropped rather than escaped.
  return text.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, "").replace(/[&<>"']/g, (c) => XML_ESCAPES[c] ?? c);
}

export function sitemapXml(blog: FeedBlog): string {
  const urls = [
    `  <url><loc>${escapeXml(blog.url)}</loc>${blog.articles[0] ? `<lastmod>${blog.articles[0].updated_at}</lastmod>` : ""}</url>`,
    ...blog.articles.map((a) => `  <url><loc>${escapeXml(a.url)}</loc><lastmod>${escapeXml(a.updated_at)}</lastmod></url>`),
  ];
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">',
    ...urls,
    "</urlset>",
    "",
  ].join("\n");
}

export function rssXml(blog: FeedBlog, feedUrl: string): string {
  const items = blog.articles.map((a) =>
    [
      "    <item>",
      `      <title>${escapeXml(a.title)}</title>`,
      `      <link>${escapeXml(a.url)}</link>`,
      `      <guid isPermaLink="true">${escapeXml(a.url)}</guid>`,
      `      <description>${escapeXml(a.description)}</description>`,
      `      <pubDate>${new Date(a.published_at).toUTCString()}</pubDate>`,
      "    </item>",
    ].join("\n"),
  );
  const latest = blog.articles[0]?.updated_at;
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom">',
    "  <channel>",
    `    <title>${escapeXml(blog.name)}</title>`,
    `    <link>${escapeXml(blog.url)}</link>`,
    `    <description>${escapeXml(blog.name)}</description>`,
    `    <atom:link href="${escapeXml(feedUrl)}" rel="self" type="application/rss+xml"/>`,
    ...(latest ? [`    <lastBuildDate>${new Date(latest).toUTCString()}</lastBuildDate>`] : []),
    ...items,
    "  </channel>",
    "</rss>",
    "",
  ].join("\n");
}

/** schema.org Article as JSON-LD. */
export function articleJsonLd(article: LdArticle): Record<string, unknown> {
  return {
    "@context": "https://schema.org",
    "@type": "Article",
    headline: article.title,
    description: article.description,
    inLanguage: article.language,
    url: article.url,
    mainEntityOfPage: { "@type": "WebPage", "@id": article.url },
    datePublished: article.published_at,
    dateModified: article.updated_at,
    ...(article.keywords.length ? { keywords: article.keywords.join(", ") } : {}),
    ...(article.images.length ? { image: article.images.map((image) => image.url) } : {}),
    author: { "@type": "Organization", name: article.blog.name, url: article.blog.url },
    publisher: { "@type": "Organization", name: article.blog.name, url: article.blog.url },
  };
}

/** JSON for an inline <script>: "<" is escaped so that text in the article (a "</script>")
 * cannot end the script element. */
export function inlineJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, "\\u003c").replace(/\u2028/g, "\\u2028").replace(/\u2029/g, "\\u2029");
}

/** A citation marker "[n]" in the body becomes a link to source n in the list under the
 * article; a marker that names no listed source, a Markdown link "[n](…)" and a reference
 * "[n]: …" stay as they are. */
export function linkCitations(markdown: string, numbers: number[]): string {
  const listed = new Set(numbers);
  return markdown.replace(/(^|[^!\]])\[(\d{1,3})\](?![(:[])/gm, (whole, before: string, n: string) =>
    listed.has(Number(n)) ? `${before}[[${n}]](#source-${n})` : whole,
  );
}
