import { expect, test, type Page } from "@playwright/test";

import { expectAccessible, logIn, screenshot } from "./support";

/** Handed over by tests/web/test_blog_links.py: a workspace with a ready article, an X account
 * that renews its token, one that cannot, a Facebook Page, a post of the article scheduled to
 * the renewing X account and to the Page, a viewer, and a blog address another workspace has. */
const LINKS = {
  email: process.env.ICOP_E2E_LINKS_EMAIL ?? "",
  password: process.env.ICOP_E2E_LINKS_PASSWORD ?? "",
  viewerEmail: process.env.ICOP_E2E_LINKS_VIEWER_EMAIL ?? "",
  articleId: process.env.ICOP_E2E_LINKS_ARTICLE ?? "",
  xPost: process.env.ICOP_E2E_LINKS_X_POST ?? "",
  facebookPost: process.env.ICOP_E2E_LINKS_FACEBOOK_POST ?? "",
  taken: process.env.ICOP_E2E_LINKS_TAKEN ?? "",
};

type Part = { text: string; link_url?: string | null };
type Post = { parts: Part[]; article_link: string | null };

async function post(page: Page, id: string): Promise<Post> {
  const response = await page.request.get(`/api/v1/posts/${id}`);
  expect(response.status()).toBe(200);
  return (await response.json()) as Post;
}

async function chooseAddress(page: Page, slug: string): Promise<void> {
  const section = page.getByRole("region", { name: "Blog address" });
  const field = section.getByRole("textbox", { name: /Address/ });
  await field.fill(slug);
  await section.getByRole("button", { name: "Save address" }).click();
}

test.describe.serial("blog links", () => {
  test.skip(!LINKS.articleId, "run by tests/web/test_blog_links.py, which makes the workspace");

  const first = `links-${Date.now().toString(36)}`;
  const second = `${first}-new`;
  let publicUrl = "";

  test("an admin chooses the blog's address", async ({ page }) => {
    await logIn(page, LINKS.email, LINKS.password);
    await page.goto("/settings");
    const section = page.getByRole("region", { name: "Blog address" });
    await expect(section.getByTestId("blog-url")).toContainText("/blog/link-garden");
    const field = section.getByRole("textbox", { name: /Address/ });
    const save = section.getByRole("button", { name: "Save address" });

    await field.fill("Bad Slug!");
    await expect(section.getByText("Use only lower-case letters a–z, digits and single hyphens between them.")).toBeVisible();
    await expect(save).toBeDisabled();
    await field.fill("ab");
    await expect(section.getByText("Use 3 to 60 characters.")).toBeVisible();

    // Another workspace's address: refused, without saying whose it is.
    await chooseAddress(page, LINKS.taken);
    await expect(section.getByRole("alert")).toHaveText(`The address “${LINKS.taken}” is already taken. Choose another one.`);

    await chooseAddress(page, first);
    await expect(section.getByRole("status")).toHaveText("The blog address was saved.");
    await expect(section.getByTestId("blog-url").getByRole("link")).toHaveAttribute("href", new RegExp(`/blog/${first}$`));
    await expectAccessible(page, "settings with the blog address");
    await screenshot(page, "en-links-settings");
  });

  test("accounts show token renewal and the per-platform link choice", async ({ page }) => {
    await logIn(page, LINKS.email, LINKS.password);
    await page.goto("/accounts");
    const renewing = page.getByRole("row", { name: /Garden on X/ });
    await expect(renewing.getByTestId("token-health")).toContainText("Refreshes automatically");
    await expect(renewing).not.toContainText("reconnect");
    const stuck = page.getByRole("row", { name: /Old X profile/ });
    await expect(stuck.getByTestId("token-health")).toContainText("cannot renew itself: reconnect the account");

    const links = page.getByRole("region", { name: "Links to the article in posts" });
    await expect(links.getByRole("checkbox", { name: "X" })).not.toBeChecked();
    await expect(links.getByRole("checkbox", { name: "Instagram" })).not.toBeChecked();
    await expect(links.getByRole("checkbox", { name: "Facebook" })).toBeChecked();
    await expect(links.getByRole("checkbox", { name: "Threads" })).toBeChecked();
    await expect(links.getByText(/does not make links in captions clickable/)).toBeVisible();
    await expect(links.getByText(/X charges per post/)).toBeVisible();
    await links.getByRole("checkbox", { name: "X" }).check();
    await links.getByRole("button", { name: "Save link settings" }).click();
    await expect(links.getByRole("status")).toBeVisible();
    await page.reload();
    await expect(page.getByRole("region", { name: "Links to the article in posts" }).getByRole("checkbox", { name: "X" })).toBeChecked();
    await expectAccessible(page, "accounts with token health and link settings");
    await screenshot(page, "en-links-accounts");
  });

  test("publishing the article puts its page in the scheduled posts", async ({ page }) => {
    await logIn(page, LINKS.email, LINKS.password);
    expect((await post(page, LINKS.xPost)).article_link).toBeNull();
    await page.goto(`/articles/${LINKS.articleId}`);
    await page.getByRole("region", { name: "Public blog" }).getByRole("button", { name: "Publish to the blog" }).click();
    const link = page.getByTestId("public-url").getByRole("link");
    await expect(link).toBeVisible();
    publicUrl = (await link.getAttribute("href")) ?? "";
    expect(publicUrl).toMatch(new RegExp(`/blog/${first}/compost-links$`));

    const x = await post(page, LINKS.xPost);
    expect(x.article_link).toBe(publicUrl);
    expect(x.parts[0]?.text).toContain(publicUrl); // X takes the link in the text
    const facebook = await post(page, LINKS.facebookPost);
    expect(facebook.parts[0]?.link_url).toBe(publicUrl); // Facebook's `link` field
  });

  test("a new address moves the links, and the old one is gone", async ({ page, request }) => {
    await logIn(page, LINKS.email, LINKS.password);
    await page.goto("/settings");
    const section = page.getByRole("region", { name: "Blog address" });
    await section.getByRole("textbox", { name: /Address/ }).fill(second);
    await expect(section.getByTestId("old-address-warning")).toContainText(`/blog/${first}`);
    await section.getByRole("button", { name: "Save address" }).click();
    await expect(section.getByRole("status")).toBeVisible();

    const moved = publicUrl.replace(`/blog/${first}/`, `/blog/${second}/`);
    expect((await request.get(new URL(publicUrl).pathname)).status()).toBe(404);
    expect((await request.get(new URL(moved).pathname)).status()).toBe(200);
    expect((await post(page, LINKS.xPost)).parts[0]?.text).toContain(moved);
    expect((await post(page, LINKS.facebookPost)).parts[0]?.link_url).toBe(moved);
  });

  test("a viewer sees the settings and changes nothing", async ({ page }) => {
    await logIn(page, LINKS.viewerEmail, LINKS.password);
    await page.goto("/settings");
    const section = page.getByRole("region", { name: "Blog address" });
    await expect(section.getByText("Only owners and admins change the blog address.")).toBeVisible();
    await expect(section.getByRole("button")).toHaveCount(0);
    await page.goto("/accounts");
    const links = page.getByRole("region", { name: "Links to the article in posts" });
    await expect(links.getByRole("checkbox", { name: "X" })).toBeDisabled();
    await expect(links.getByRole("button")).toHaveCount(0);
    // The API refuses anyway, with a valid CSRF token: the role is what stops it.
    const status = await page.evaluate(async () => {
      const token = document.cookie.split("; ").find((c) => c.startsWith("icop_csrf="))?.split("=")[1] ?? "";
      const headers = { "content-type": "application/json", "x-csrf-token": decodeURIComponent(token) };
      const response = await fetch("/api/v1/post-links", { method: "PUT", headers, body: JSON.stringify({ links: { x: false } }) });
      return response.status;
    });
    expect(status).toBe(403);
  });

  test("the same in Korean", async ({ browser, baseURL }) => {
    const context = await browser.newContext({ baseURL, locale: "ko-KR" });
    const page = await context.newPage();
    await logIn(page, LINKS.email, LINKS.password);
    await page.goto("/settings");
    await expect(page.getByRole("region", { name: "블로그 주소" })).toBeVisible();
    await expectAccessible(page, "ko settings with the blog address");
    await screenshot(page, "ko-links-settings");
    await page.goto("/accounts");
    await expect(page.getByRole("row", { name: /Garden on X/ }).getByTestId("token-health")).toContainText("자동으로 갱신됨");
    await expect(page.getByRole("region", { name: "게시물의 글 링크" })).toBeVisible();
    await expectAccessible(page, "ko accounts with link settings");
    await screenshot(page, "ko-links-accounts");
    await context.close();
  });
});
