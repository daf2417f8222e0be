import { expect, test, type Browser, type Page } from "@playwright/test";

import { expectAccessible, logIn, screenshot } from "./support";

/** Handed over by tests/web/test_review_edit.py: an owner whose workspace has an article the
 * quality gate sent to review, with findings that quote sentences of it and findings that quote
 * none, and a viewer of the same workspace. */
const R = {
  email: process.env.ICOP_E2E_REVIEW_EMAIL ?? "",
  password: process.env.ICOP_E2E_REVIEW_PASSWORD ?? "",
  viewerEmail: process.env.ICOP_E2E_REVIEW_VIEWER_EMAIL ?? "",
  viewerPassword: process.env.ICOP_E2E_REVIEW_VIEWER_PASSWORD ?? "",
  articleId: process.env.ICOP_E2E_REVIEW_NEEDS_REVIEW ?? "",
};

const REPEATED = "Turning the pile every week lets air reach the microbes that do the work.";

async function korean(browser: Browser): Promise<Page> {
  const context = await browser.newContext({ locale: "ko-KR", baseURL: test.info().project.use.baseURL });
  return context.newPage();
}

test.describe.serial("reviewing and editing an article", () => {
  test.skip(!R.email, "run by tests/web/test_review_edit.py");

  test("the gate's findings sit on the sentences they quote, readable by hover and keyboard", async ({ page }) => {
    await logIn(page, R.email, R.password);
    await page.goto(`/articles/${R.articleId}`);
    const article = page.getByTestId("annotated-article");
    await expect(article).toBeVisible();
    await expect(page.getByTestId("findings-in-text")).toContainText("2 findings are marked in the text");

    // The repeated sentence (twice in the text: both marked) and the repaired citation.
    const focusable = article.locator("mark.finding-mark[tabindex='0']");
    await expect(focusable).toHaveCount(3);
    await expect(article.locator("mark.finding-mark").filter({ hasText: "lets air reach the microbes" })).toHaveCount(2);
    // Across the link in it: one <mark> per piece, the last one focusable.
    const repaired = article.locator("mark.finding-mark[data-action='repaired']");
    await expect(repaired).toHaveCount(3);
    await expect(article.getByRole("link", { name: "twigs" }).locator("mark")).toHaveCount(1);

    // Keyboard: from the link above the article, Tab reaches the first highlight; its note
    // appears beside it and is its accessible description.
    await page.getByTestId("findings-in-text").getByRole("link").focus();
    await page.keyboard.press("Tab");
    const first = focusable.first();
    await expect(first).toBeFocused();
    await expect(first).toHaveAccessibleDescription("To check: this repeats an earlier sentence");
    const note = page.locator(`#${await first.getAttribute("aria-describedby")}`);
    await expect(note).toBeVisible();
    await expect(note).toHaveText("To check: this repeats an earlier sentence");
    await expectAccessible(page, "an article's findings in the text");
    await screenshot(page, "en-review-findings");

    // Hover shows the other note; the blocking one with no sentence stays in the list only.
    const last = repaired.last();
    await last.hover();
    await expect(page.locator(`#${await last.getAttribute("aria-describedby")}`)).toHaveText(
      "Repaired: the cited source does not support this sentence ([2]→[1])",
    );
    const list = page.getByRole("list", { name: "Quality check findings" });
    await expect(list.getByRole("listitem")).toHaveCount(4);
    await expect(list.getByRole("link", { name: "Show in the text" })).toHaveCount(2);
    const tooShort = list.getByRole("listitem").filter({ hasText: "too_short" });
    await expect(tooShort.getByRole("link")).toHaveCount(0);
    const removed = list.getByRole("listitem").filter({ hasText: "scaffolding" });
    await expect(removed.getByRole("link")).toHaveCount(0);
    // The list's link goes to the highlight.
    const link = list.getByRole("listitem").filter({ hasText: "repetition" }).getByRole("link");
    await expect(link).toHaveAttribute("href", `#${await focusable.first().getAttribute("id")}`);
  });

  test("in Korean", async ({ browser }) => {
    const page = await korean(browser);
    await logIn(page, R.email, R.password);
    await page.goto(`/articles/${R.articleId}`);
    await expect(page.getByRole("heading", { name: "SEO 항목" })).toBeVisible();
    await expect(page.getByRole("link", { name: "본문에서 보기" })).toHaveCount(2);
    const first = page.locator("mark.finding-mark[tabindex='0']").first();
    await first.focus();
    await expect(first).toHaveAccessibleDescription("확인 필요: 앞 문장을 반복합니다");
    await page.getByRole("button", { name: "SEO 항목 편집" }).click();
    await expect(page.getByRole("textbox", { name: "제목" })).toBeVisible();
    await expectAccessible(page, "the article page in Korean");
    await screenshot(page, "ko-review-findings");
    await page.goto("/usage");
    await expect(page.getByRole("button", { name: "seo.meta 라우팅 변경" })).toBeVisible();
    await expectAccessible(page, "usage in Korean");
    await screenshot(page, "ko-routing");
    await page.context().close();
  });

  test("the SEO fields: counters at the schema's limits, the API's refusal, a version with its diff, a restore", async ({ page }) => {
    await logIn(page, R.email, R.password);
    await page.goto(`/articles/${R.articleId}`);
    const seo = page.getByRole("region", { name: "SEO fields" });
    await expect(seo.getByRole("table")).toContainText("Home composting");
    await seo.getByRole("button", { name: "Edit the SEO fields" }).click();
    const form = page.getByRole("form", { name: "Edit the SEO fields" });
    const title = form.getByRole("textbox", { name: "Title" });
    await expect(title).toHaveValue("Home composting");
    await expect(form.getByText("15 / 60")).toBeVisible();

    await title.fill("x".repeat(61));
    await expect(form.getByText("61 / 60")).toBeVisible();
    await expect(form.getByText("Longer than 60 characters")).toBeVisible();
    await expect(title).toHaveAttribute("aria-invalid", "true");
    const save = form.getByRole("button", { name: "Save as a new version" });
    await expect(save).toBeDisabled();

    await title.fill("Compost at home in six weeks");
    await form.getByRole("textbox", { name: "Meta description" }).fill("Kitchen scraps, dry leaves and air: a compost heap that works.");
    await expect(form.getByText("62 / 160")).toBeVisible();
    await form.getByRole("textbox", { name: "Keywords" }).fill("composting, compost heap");
    await form.getByRole("textbox", { name: "Hashtags" }).fill("#compost #garden");
    await expect(form.getByText("2 / 10 · separated by spaces")).toBeVisible();
    // The slug's form is the API's to check: its refusal is shown as it says it.
    const slug = form.getByRole("textbox", { name: "Slug" });
    await slug.fill("Compost At Home!");
    await save.click();
    const refusal = form.getByRole("alert");
    await expect(refusal).toContainText("The SEO fields were not saved");
    await expect(refusal).toContainText("body.seo.slug");
    await expectAccessible(page, "the SEO form with the API's refusal");
    await screenshot(page, "en-review-seo-refused");

    await slug.fill("compost-at-home");
    await save.click();
    await expect(form.getByRole("status")).toContainText("Saved as version 2");
    await expect(seo.getByRole("table")).toContainText("Compost at home in six weeks");
    await expect(seo.getByRole("table")).toContainText("#compost #garden");
    await screenshot(page, "en-review-seo-saved");

    // The version's diff: the front matter changed, the text did not.
    await page.getByRole("link", { name: "Show the changes in version 2" }).click();
    const diff = page.getByRole("region", { name: "Changes in version 2" });
    await expect(diff.locator('[data-diff="added"]', { hasText: "title: Compost at home in six weeks" })).toHaveCount(1);
    await expect(diff.locator('[data-diff="removed"]', { hasText: "slug: home-composting" })).toHaveCount(1);
    await expect(diff.locator('[data-diff="added"]', { hasText: REPEATED })).toHaveCount(0);
    await expectAccessible(page, "the SEO edit's diff");
    await screenshot(page, "en-review-seo-diff");

    // Restore version 1: a new version with the old fields.
    await page.getByRole("link", { name: "Show the changes in version 1" }).click();
    await page.getByRole("button", { name: "Restore version 1" }).click();
    await expect(page.getByRole("link", { name: "Show the changes in version 3" })).toBeVisible();
    await expect(page.getByRole("region", { name: "SEO fields" }).getByRole("table")).toContainText("Home composting");
    await expect(page.getByRole("region", { name: "SEO fields" }).getByRole("table")).toContainText("home-composting");
  });

  test("the routing policy per task: changed, refused by the API, put back", async ({ page }) => {
    await logIn(page, R.email, R.password);
    await page.goto("/usage");
    const route = page.locator('[data-testid="task-route"][data-task="seo.meta"]');
    const models = async () => route.getByRole("listitem").allTextContents();
    const before = await models();
    expect(before.length).toBeGreaterThan(1);
    await expect(route).toContainText("The platform's policy");

    await route.getByRole("button", { name: "Change the routing of seo.meta" }).click();
    // best_judged is for a contest's pool only: the API says so, nothing changes.
    await route.getByRole("combobox", { name: "Mode", exact: true }).selectOption("best_judged");
    await route.getByRole("button", { name: "Save the routing" }).click();
    await expect(route.getByRole("alert")).toContainText("best_judged applies to a judged contest's pool");
    await expectAccessible(page, "the routing editor with the API's refusal");
    await screenshot(page, "en-routing-refused");

    await route.getByRole("combobox", { name: "Mode", exact: true }).selectOption("ordered");
    const second = (before[1] ?? "").replace(/ \(.*\)$/, "");
    await route.getByRole("button", { name: `Move ${second} up` }).click();
    await route.getByRole("button", { name: "Save the routing" }).click();
    await expect(route.getByRole("status")).toContainText("Saved");
    await expect(route).toContainText("Set by this workspace");
    expect((await models())[0]).toContain(second);
    // Read back from the API on a fresh load.
    await page.reload();
    expect((await models())[0]).toContain(second);
    await screenshot(page, "en-routing-changed");

    await route.getByRole("button", { name: "Put seo.meta back on the platform's policy" }).click();
    await expect(route).toContainText("The platform's policy");
    expect(await models()).toEqual(before);
  });

  test("a viewer reads the findings and the fields but changes nothing, and the API refuses", async ({ page }) => {
    await logIn(page, R.viewerEmail, R.viewerPassword);
    await page.goto(`/articles/${R.articleId}`);
    await expect(page.getByTestId("annotated-article").locator("mark.finding-mark").first()).toBeVisible();
    await expect(page.getByRole("region", { name: "SEO fields" }).getByRole("table")).toBeVisible();
    await expect(page.getByRole("button", { name: "Edit the SEO fields" })).toHaveCount(0);
    await page.goto("/usage");
    await expect(page.getByTestId("routing-policy")).toBeVisible();
    await expect(page.getByRole("button", { name: /^Change the routing/ })).toHaveCount(0);
    const statuses = await page.evaluate(async (articleId) => {
      const token = document.cookie.split("; ").find((c) => c.startsWith("icop_csrf="))?.split("=")[1] ?? "";
      const headers = { "content-type": "application/json", "x-csrf-token": decodeURIComponent(token) };
      const seo = await fetch(`/api/v1/articles/${articleId}/content`, {
        method: "PUT",
        headers: { ...headers, "if-match": '"v3"' },
        body: JSON.stringify({
          seo: { title: "Mine", meta_description: "Mine.", slug: "mine", keywords: [], hashtags: [] },
        }),
      });
      const route = await fetch("/api/v1/llm/routing/seo.meta", {
        method: "PUT",
        headers,
        body: JSON.stringify({ candidates: [{ provider: "local", model: "default" }] }),
      });
      return [seo.status, route.status];
    }, R.articleId);
    expect(statuses).toEqual([403, 403]);
    await expectAccessible(page, "usage as a viewer");
  });
});
