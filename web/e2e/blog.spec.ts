import { expect, test, type APIRequestContext, type Page } from "@playwright/test";

import { expectAccessible, logIn, screenshot } from "./support";

/** Handed over by tests/web/test_blog.py: a workspace with an approved (ready) article and
 * one awaiting approval, a viewer of it, and a second workspace with a blog of its own. */
const BLOG = {
  email: process.env.ICOP_E2E_BLOG_EMAIL ?? "",
  password: process.env.ICOP_E2E_BLOG_PASSWORD ?? "",
  viewerEmail: process.env.ICOP_E2E_BLOG_VIEWER_EMAIL ?? "",
  articleId: process.env.ICOP_E2E_BLOG_ARTICLE ?? "",
  draftId: process.env.ICOP_E2E_BLOG_DRAFT ?? "",
  draftSlug: process.env.ICOP_E2E_BLOG_DRAFT_SLUG ?? "",
  otherBlog: process.env.ICOP_E2E_BLOG_OTHER ?? "",
};
const SEO = {
  title: "Composting at home in 30 days",
  description: "Turn kitchen scraps into dark, rich soil with a heap that needs ten minutes a week.",
  slug: "composting-at-home",
  imageAlt: "A wooden compost bin full of leaves",
  imageUrl: "https://example.org/media/bin.jpg",
};

async function meta(page: Page, attribute: "property" | "name", key: string): Promise<string | null> {
  return page.locator(`meta[${attribute}="${key}"]`).first().getAttribute("content");
}

async function text(request: APIRequestContext, path: string): Promise<{ status: number; body: string; type: string }> {
  const response = await request.get(path);
  return { status: response.status(), body: await response.text(), type: response.headers()["content-type"] ?? "" };
}

test.describe.serial("the public blog", () => {
  test.skip(!BLOG.articleId, "run by tests/web/test_blog.py, which makes the workspace");

  let publicUrl = "";
  let blogPath = "";

  test("an editor publishes an approved article from its page", async ({ page }) => {
    await logIn(page, BLOG.email, BLOG.password);
    await page.goto(`/articles/${BLOG.draftId}`);
    await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
    // Awaiting approval: nothing to publish yet.
    await expect(page.getByRole("button", { name: "Publish to the blog" })).toHaveCount(0);

    await page.goto(`/articles/${BLOG.articleId}`);
    const section = page.getByRole("region", { name: "Public blog" });
    await expect(section.getByText("Not on the public blog.")).toBeVisible();
    await section.getByRole("button", { name: "Publish to the blog" }).click();
    const link = page.getByTestId("public-url").getByRole("link");
    await expect(link).toBeVisible();
    publicUrl = (await link.getAttribute("href")) ?? "";
    expect(publicUrl).toMatch(new RegExp(`/blog/[a-z0-9-]+/${SEO.slug}$`));
    blogPath = new URL(publicUrl).pathname.replace(`/${SEO.slug}`, "");
    await expect(section.getByRole("button", { name: "Publish again" })).toBeVisible();
    await expect(section.getByRole("button", { name: "Unpublish" })).toBeVisible();
    await expectAccessible(page, "article with its public blog section");
    await screenshot(page, "en-article-published");
  });

  test("a viewer sees where it is published, and no buttons", async ({ page }) => {
    await logIn(page, BLOG.viewerEmail, BLOG.password);
    await page.goto(`/articles/${BLOG.articleId}`);
    const section = page.getByRole("region", { name: "Public blog" });
    await expect(section.getByRole("link", { name: publicUrl })).toBeVisible();
    await expect(section.getByRole("button")).toHaveCount(0);
  });

  test("anyone reads it logged out, with its search and social metadata", async ({ browser, baseURL }) => {
    const context = await browser.newContext({ baseURL });
    const page = await context.newPage();
    const path = new URL(publicUrl).pathname;
    const response = await page.goto(path);
    expect(response?.status()).toBe(200);
    await expect(page.getByRole("heading", { level: 1, name: SEO.title })).toBeVisible();
    await expect(page).toHaveTitle(SEO.title);

    // Canonical URL from the configured public URL (ICOP_DASHBOARD_URL), OpenGraph, Twitter.
    expect(await page.locator('link[rel="canonical"]').getAttribute("href")).toBe(publicUrl);
    expect(await meta(page, "name", "description")).toBe(SEO.description);
    expect(await meta(page, "property", "og:type")).toBe("article");
    expect(await meta(page, "property", "og:title")).toBe(SEO.title);
    expect(await meta(page, "property", "og:description")).toBe(SEO.description);
    expect(await meta(page, "property", "og:url")).toBe(publicUrl);
    expect(await meta(page, "property", "og:image")).toBe(SEO.imageUrl);
    expect(await meta(page, "property", "og:image:alt")).toBe(SEO.imageAlt);
    expect(await meta(page, "name", "twitter:card")).toBe("summary_large_image");
    expect(await meta(page, "name", "twitter:title")).toBe(SEO.title);
    expect(await meta(page, "name", "twitter:description")).toBe(SEO.description);

    const ld = JSON.parse((await page.locator('script[type="application/ld+json"]').textContent()) ?? "{}");
    expect(ld).toMatchObject({
      "@context": "https://schema.org",
      "@type": "Article",
      headline: SEO.title,
      description: SEO.description,
      url: publicUrl,
      image: [SEO.imageUrl],
    });

    // The image with its alt text; citations as links to their sources; nothing the model
    // smuggled in runs.
    await expect(page.getByRole("img", { name: SEO.imageAlt })).toHaveAttribute("src", SEO.imageUrl);
    await expect(page.getByRole("link", { name: "Composting basics" })).toHaveAttribute("href", "https://example.org/compost");
    await expect(page.getByRole("link", { name: "[1]" }).first()).toHaveAttribute("href", "#source-1");
    expect(await page.evaluate(() => (window as unknown as { pwned?: boolean }).pwned)).toBeUndefined();
    await expect(page.getByRole("link", { name: "Click me" })).toHaveCount(0);
    // Public pages give a reader no session cookie and show no dashboard navigation.
    expect((await context.cookies()).map((c) => c.name)).toEqual([]);
    await expect(page.getByRole("navigation", { name: "Main navigation" })).toHaveCount(0);
    await expectAccessible(page, "public article");
    await screenshot(page, "en-blog-article");

    await page.goto(blogPath);
    await expect(page.getByRole("link", { name: SEO.title })).toHaveAttribute("href", path);
    await expectAccessible(page, "public blog index");
    await screenshot(page, "en-blog-index");
    await context.close();
  });

  test("the same in Korean", async ({ browser, baseURL }) => {
    const context = await browser.newContext({ baseURL, locale: "ko-KR" });
    const page = await context.newPage();
    await page.goto(blogPath);
    await expect(page.getByRole("link", { name: "RSS 피드" })).toBeVisible();
    await expect(page.getByText(/게시$/).first()).toBeVisible();
    await expectAccessible(page, "ko public blog index");
    await screenshot(page, "ko-blog-index");
    await page.goto(new URL(publicUrl).pathname);
    await expect(page.getByRole("heading", { level: 2, name: "출처" })).toBeVisible();
    await expectAccessible(page, "ko public article");
    await screenshot(page, "ko-blog-article");
    await context.close();
  });

  test("it is in the blog's sitemap.xml and RSS feed", async ({ request }) => {
    const sitemap = await text(request, `${blogPath}/sitemap.xml`);
    expect(sitemap.status).toBe(200);
    expect(sitemap.type).toContain("application/xml");
    expect(sitemap.body).toContain(`<loc>${publicUrl}</loc>`);
    const rss = await text(request, `${blogPath}/rss.xml`);
    expect(rss.status).toBe(200);
    expect(rss.type).toContain("application/rss+xml");
    expect(rss.body).toContain(`<link>${publicUrl}</link>`);
    expect(rss.body).toContain(`<title>${SEO.title}</title>`);
  });

  test("drafts and other workspaces' blogs never show it", async ({ request }) => {
    // The draft's slug on this blog, this article's slug on another blog, a made-up blog.
    for (const path of [`${blogPath}/${BLOG.draftSlug}`, `/blog/${BLOG.otherBlog}/${SEO.slug}`, `/blog/no-such-blog-${Date.now()}`]) {
      expect((await request.get(path)).status(), path).toBe(404);
    }
    const other = await text(request, `/blog/${BLOG.otherBlog}`);
    expect(other.status).toBe(200);
    expect(other.body).not.toContain(SEO.title);
    expect((await text(request, `/blog/${BLOG.otherBlog}/sitemap.xml`)).body).not.toContain(SEO.slug);
  });

  test("unpublishing takes the page down", async ({ page, request }) => {
    await logIn(page, BLOG.email, BLOG.password);
    await page.goto(`/articles/${BLOG.articleId}`);
    const section = page.getByRole("region", { name: "Public blog" });
    await section.getByRole("button", { name: "Unpublish" }).click();
    await expect(section.getByText("Not on the public blog.")).toBeVisible();
    expect((await request.get(new URL(publicUrl).pathname)).status()).toBe(404);
    expect((await text(request, `${blogPath}/sitemap.xml`)).body).not.toContain(publicUrl);
    expect((await text(request, `${blogPath}/rss.xml`)).body).not.toContain(publicUrl);
  });
});
