import { describe, expect, it } from "vitest";

import { articleJsonLd, escapeXml, inlineJson, linkCitations, rssXml, sitemapXml, type FeedBlog } from "./feeds";

const blog: FeedBlog = {
  name: "Green & <Thumb>",
  url: "https://example.org/blog/green",
  articles: [
    {
      title: 'Compost "now"',
      description: "Scraps & soil",
      url: "https://example.org/blog/green/compost",
      language: "en",
      published_at: "2026-12-01T10:00:00Z",
      updated_at: "2026-12-02T10:00:00Z",
    },
  ],
};

describe("the blog's feeds", () => {
  it("escapes XML and drops characters XML cannot hold", () => {
    expect(escapeXml(`a & b < c > d " e ' f\u0001`)).toBe("a &amp; b &lt; c &gt; d &quot; e &apos; f");
  });

  it("lists the index and every article in the sitemap with its last change", () => {
    const xml = sitemapXml(blog);
    expect(xml).toContain('<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">');
    expect(xml).toContain("<loc>https://example.org/blog/green</loc><lastmod>2026-12-02T10:00:00Z</lastmod>");
    expect(xml).toContain("<loc>https://example.org/blog/green/compost</loc><lastmod>2026-12-02T10:00:00Z</lastmod>");
  });

  it("writes an RSS 2.0 item per article, escaped", () => {
    const xml = rssXml(blog, "https://example.org/blog/green/rss.xml");
    expect(xml).toContain("<title>Green &amp; &lt;Thumb&gt;</title>");
    expect(xml).toContain("<title>Compost &quot;now&quot;</title>");
    expect(xml).toContain('<guid isPermaLink="true">https://example.org/blog/green/compost</guid>');
    expect(xml).toContain("<pubDate>Tue, 01 Dec 2026 10:00:00 GMT</pubDate>");
    expect(xml).toContain('<atom:link href="https://example.org/blog/green/rss.xml" rel="self"');
  });

  it("an empty blog still has a valid sitemap and feed", () => {
    const empty = { ...blog, articles: [] };
    expect(sitemapXml(empty)).toContain("<loc>https://example.org/blog/green</loc></url>");
    expect(rssXml(empty, "x")).not.toContain("<item>");
  });
});

describe("the article's JSON-LD", () => {
  const article = {
    title: "Compost",
    description: "How",
    url: "https://example.org/blog/green/compost",
    language: "ko",
    keywords: ["compost", "soil"],
    published_at: "2026-12-01T10:00:00Z",
    updated_at: "2026-12-02T10:00:00Z",
    images: [{ url: "https://cdn.example.org/a.jpg" }],
    blog: { name: "Green", url: "https://example.org/blog/green" },
  };

  it("is a schema.org Article with the SEO fields", () => {
    const ld = articleJsonLd(article);
    expect(ld).toMatchObject({
      "@context": "https://schema.org",
      "@type": "Article",
      headline: "Compost",
      description: "How",
      inLanguage: "ko",
      keywords: "compost, soil",
      image: ["https://cdn.example.org/a.jpg"],
      datePublished: "2026-12-01T10:00:00Z",
    });
  });

  it("cannot close its script element", () => {
    const json = inlineJson(articleJsonLd({ ...article, title: "</script><script>alert(1)</script>" }));
    expect(json).not.toContain("</script>");
    expect(JSON.parse(json).headline).toBe("</script><script>alert(1)</script>");
  });
});

describe("citation markers", () => {
  it("link to the listed sources only", () => {
    expect(linkCitations("Soil [1]. Air [2], [9].", [1, 2])).toBe("Soil [[1]](#source-1). Air [[2]](#source-2), [9].");
  });

  it("leave links, images and reference definitions alone", () => {
    const text = "See [1](https://a.example) and ![2](b.png)\n[1]: https://a.example";
    expect(linkCitations(text, [1, 2])).toBe(text);
  });

  it("link a marker at the start of a line", () => {
    expect(linkCitations("[1] starts it", [1])).toBe("[[1]](#source-1) starts it");
  });
});
