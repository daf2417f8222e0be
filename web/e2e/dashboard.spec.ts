import { writeFileSync } from "node:fs";

import { expect, test, type Page } from "@playwright/test";

import { expectAccessible, FIRST, LIVE, logIn, PASSWORD, screenshot, SCREENSHOTS } from "./support";

const PAGES = [
  { path: "/", en: "Home", ko: "홈" },
  { path: "/pipelines", en: "Pipelines", ko: "파이프라인" },
  { path: "/articles", en: "Articles", ko: "아티클" },
  { path: "/calendar", en: "Calendar", ko: "캘린더" },
  { path: "/accounts", en: "Social accounts", ko: "소셜 계정" },
  { path: "/brand", en: "Brand", ko: "브랜드" },
  { path: "/trends", en: "Trends", ko: "트렌드" },
  { path: "/videos", en: "Videos", ko: "동영상" },
  { path: "/usage", en: "Usage", ko: "사용량" },
];

const second = { email: `second-${Date.now()}@example.com`, company: "Second Workspace" };

test.describe.serial("the dashboard", () => {
  test.beforeAll(() => {
    expect(FIRST.articleId, "the first workspace is made by tests/web/test_dashboard.py").not.toBe("");
  });

  test("the login and sign-up pages are accessible", async ({ page }) => {
    for (const path of ["/login", "/signup"]) {
      await page.goto(path);
      await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
      await expectAccessible(page, path);
      await screenshot(page, `en${path.replace("/", "-")}`);
    }
  });

  test("signs up a second workspace, which starts empty, with its tokens out of the page's reach", async ({ page, context }) => {
    await page.goto("/signup");
    await expect(page.getByText("10 to 256 characters.")).toBeVisible();
    await page.getByLabel(/^Company or brand name/).fill(second.company);
    await page.getByLabel(/^Email/).fill(second.email);
    await page.getByLabel(/^Password/).fill(PASSWORD);
    await page.getByRole("button", { name: "Create workspace" }).click();
    await expect(page.getByRole("heading", { level: 1, name: "Home" })).toBeVisible();
    await expect(page.getByTestId("empty-workspace")).toBeVisible();
    await expect(page.getByText(second.company)).toBeVisible();

    const cookies = Object.fromEntries((await context.cookies()).map((cookie) => [cookie.name, cookie]));
    for (const name of ["icop_access", "icop_refresh"]) {
      expect(cookies[name]?.httpOnly, name).toBe(true);
      expect(cookies[name]?.sameSite, name).toBe("Lax");
    }
    const visible = await page.evaluate(() => document.cookie);
    expect(visible).not.toContain("icop_access");
    expect(visible).not.toContain("icop_refresh");
  });

  test("every page shows the API's data and passes the accessibility checks", async ({ page }) => {
    await logIn(page, second.email, PASSWORD);
    for (const entry of PAGES) {
      await page.goto(entry.path);
      await expect(page.getByRole("heading", { level: 1, name: entry.en })).toBeVisible();
      await expectAccessible(page, entry.path);
      await screenshot(page, `en${entry.path === "/" ? "-home" : entry.path.replace("/", "-")}`);
    }
  });

  test("the API answers on the same origin and refuses cross-site writes", async ({ page }) => {
    await logIn(page, second.email, PASSWORD);
    const me = await page.evaluate(async () => {
      const response = await fetch("/api/v1/me");
      return { status: response.status, body: await response.json() };
    });
    expect(me.status).toBe(200);
    expect(me.body.tenant.company_name).toBe(second.company);

    const statuses = await page.evaluate(async () => {
      const post = (headers: Record<string, string>) =>
        fetch("/api/v1/pipelines", { method: "POST", headers: { "content-type": "application/json", ...headers }, body: "{}" });
      const token = document.cookie.split("; ").find((c) => c.startsWith("icop_csrf="))?.split("=")[1] ?? "";
      return { without: (await post({})).status, with: (await post({ "x-csrf-token": token })).status };
    });
    // Without the token the proxy refuses it; with it, the API itself validates the body.
    expect(statuses).toEqual({ without: 403, with: 422 });
  });

  test("refreshes a lapsed access token invisibly, logs out, and logs back in", async ({ page, context }) => {
    await logIn(page, second.email, PASSWORD);
    const before = (await context.cookies()).find((c) => c.name === "icop_refresh")?.value;
    await context.clearCookies({ name: "icop_access" });
    expect((await context.cookies()).map((c) => c.name)).toContain("icop_refresh");
    const response = await page.goto("/articles");
    await expect(page.getByRole("heading", { level: 1, name: "Articles" })).toBeVisible();
    // Renewed in the request itself: no redirect, and never onto another host name (Next.js
    // turns a middleware redirect to 127.0.0.1 into one to localhost, another cookie jar).
    expect(response?.request().redirectedFrom()).toBeNull();
    expect(new URL(page.url()).host).toBe(new URL(test.info().project.use.baseURL ?? page.url()).host);
    const after = await context.cookies();
    expect(after.find((c) => c.name === "icop_access")).toBeTruthy();
    expect(after.find((c) => c.name === "icop_refresh")?.value).not.toBe(before);

    // A page and the API calls it races with all find the access token lapsed at once: they
    // share one refresh, so the rotating refresh token is never presented twice (which the API
    // reads as a stolen copy, ending the session).
    await context.clearCookies({ name: "icop_access" });
    const raced = await page.evaluate(async () => {
      const answers = await Promise.all([
        fetch("/articles", { redirect: "manual" }),
        fetch("/api/v1/me"),
        fetch("/api/v1/articles"),
        fetch("/usage", { redirect: "manual" }),
      ]);
      return answers.map((answer) => answer.status);
    });
    expect(raced).toEqual([200, 200, 200, 200]);
    await page.goto("/usage");
    await expect(page.getByRole("heading", { level: 1, name: "Usage" })).toBeVisible();

    await page.getByRole("button", { name: "Log out" }).click();
    await expect(page).toHaveURL(/\/login$/);
    expect((await context.cookies()).map((c) => c.name)).not.toContain("icop_refresh");
    await page.goto("/usage");
    await expect(page).toHaveURL(/\/login\?next=%2Fusage$/);

    await page.getByLabel(/^Email/).fill(second.email);
    await page.getByLabel(/^Password/).fill(PASSWORD);
    await page.getByRole("button", { name: "Log in" }).click();
    await expect(page.getByRole("heading", { level: 1, name: "Usage" })).toBeVisible();
  });

  test("the second workspace cannot open the first's article by its id", async ({ page }) => {
    await logIn(page, second.email, PASSWORD);
    for (const path of [`/articles/${FIRST.articleId}`, "/articles/not-an-id"]) {
      const response = await page.goto(path);
      expect(response?.status(), path).toBe(404);
      await expect(page.getByTestId("not-found")).toBeVisible();
    }
    await expectAccessible(page, "not found");
    await screenshot(page, "en-not-found");
    await page.goto("/articles");
    await expect(page.getByText("No articles yet.")).toBeVisible();
  });

  test("the first workspace reads its article, rendered and sanitised, with its sources", async ({ page }) => {
    await logIn(page, FIRST.email, FIRST.password);
    await page.goto("/articles");
    await page.getByRole("link", { name: "Composting at home" }).click();
    await expect(page).toHaveURL(new RegExp(`/articles/${FIRST.articleId}$`));
    await expect(page.getByRole("heading", { level: 1, name: "Composting at home" })).toBeVisible();
    // The image itself is on a host this offline machine cannot reach: its element is checked.
    await expect(page.locator('.markdown img[alt="A compost bin in a garden"]')).toHaveAttribute(
      "src",
      "https://example.org/bin.jpg",
    );
    await expect(page.getByText("Click me")).not.toHaveAttribute("href", /javascript/);
    await expect(page.getByRole("link", { name: "Composting basics" })).toHaveAttribute("href", "https://example.org/compost");
    expect(await page.locator(".markdown script").count()).toBe(0);
    expect(await page.evaluate(() => (window as unknown as { pwned?: boolean }).pwned)).toBeUndefined();
    await expectAccessible(page, "article");
    await screenshot(page, "en-article");
  });

  test("reviews and edits an article: the gate's findings, a new version and its diff, a conflict, a restore", async ({ page, context }) => {
    await logIn(page, FIRST.email, FIRST.password);
    const url = `/articles/${FIRST.reviewId}`;
    await page.goto(url);
    await expect(page.getByRole("heading", { level: 1, name: "Watering a vegetable garden" })).toBeVisible();
    const findings = page.getByRole("list", { name: "Quality check findings" });
    await expect(findings).toContainText("uncited_claim");
    await expect(findings).toContainText("A deep soak twice a week");
    await expect(page.getByRole("button", { name: "Approve" })).toBeVisible();
    await expect(page.getByRole("button", { name: "Reject" })).toBeVisible();
    await expect(page.getByRole("link", { name: "Show the changes in version 1" })).toBeVisible();

    const markdown = page.getByRole("textbox", { name: "Markdown", exact: true });
    const save = page.getByRole("button", { name: "Save as a new version" });
    const edit = async (target: Page, from: string, to: string) => {
      const box = target.getByRole("textbox", { name: "Markdown", exact: true });
      await box.fill((await box.inputValue()).replace(from, to));
    };
    await page.getByRole("button", { name: "Edit the article" }).click();
    await expect(markdown).toHaveValue(/every morning/);
    await edit(page, "every morning", "every evening");
    await page.getByRole("textbox", { name: "What changed (optional)" }).fill("water in the evening");
    await page.getByRole("tab", { name: "Preview" }).click();
    await expect(page.getByRole("tabpanel")).toContainText("every evening");
    await expectAccessible(page, "article editor");
    await save.click();
    await expect(page.getByText("Saved as version 2")).toBeVisible();
    await expect(page.locator(".markdown").first()).toContainText("every evening");

    await page.getByRole("link", { name: "Show the changes in version 2" }).click();
    await expect(page.getByRole("heading", { name: "Changes in version 2" })).toBeVisible();
    await expect(page.locator('.diff [data-diff="removed"]', { hasText: "every morning" })).toBeVisible();
    await expect(page.locator('.diff [data-diff="added"]', { hasText: "every evening" })).toBeVisible();
    await expect(page.getByRole("row", { name: /water in the evening/ })).toBeVisible();
    await expectAccessible(page, "article versions and diff");
    await screenshot(page, "en-article-diff");

    // Two tabs on version 2: the first saves version 3; the second's save is refused, not merged.
    const other = await context.newPage();
    await other.goto(url);
    await other.getByRole("button", { name: "Edit the article" }).click();
    await page.goto(url);
    await page.getByRole("button", { name: "Edit the article" }).click();
    await edit(page, "every evening", "at dusk");
    await save.click();
    await expect(page.getByText("Saved as version 3")).toBeVisible();
    await edit(other, "every evening", "at noon");
    await other.getByRole("button", { name: "Save as a new version" }).click();
    const conflict = other.getByRole("alert").filter({ hasText: "someone changed the article" });
    await expect(conflict).toContainText("version 2");
    await expectAccessible(other, "edit conflict");
    await screenshot(other, "en-article-conflict");
    await other.close();

    // Restoring version 1 is a new version (4) with the agents' text; history is kept.
    await page.goto(`${url}?version=1`);
    await page.getByRole("button", { name: "Restore version 1" }).click();
    await expect(page.getByRole("link", { name: "Show the changes in version 4" })).toBeVisible();
    await expect(page.locator(".markdown").first()).toContainText("every morning");
    await expect(page.getByRole("link", { name: "Show the changes in version 3" })).toBeVisible();
  });

  test("speaks Korean to a browser that prefers it", async ({ browser }) => {
    const context = await browser.newContext({ locale: "ko-KR", baseURL: test.info().project.use.baseURL });
    const page = await context.newPage();
    await page.goto("/login");
    await expect(page.getByRole("heading", { level: 1, name: "ICOP 로그인" })).toBeVisible();
    await expect(page.locator("html")).toHaveAttribute("lang", "ko");
    await expectAccessible(page, "ko /login");
    await screenshot(page, "ko-login");
    await logIn(page, FIRST.email, FIRST.password);
    for (const entry of PAGES) {
      await page.goto(entry.path);
      await expect(page.getByRole("heading", { level: 1, name: entry.ko })).toBeVisible();
      await expectAccessible(page, `ko ${entry.path}`);
      await screenshot(page, `ko${entry.path === "/" ? "-home" : entry.path.replace("/", "-")}`);
    }
    const response = await page.goto(`/articles/00000000-0000-4000-8000-000000000000`);
    expect(response?.status()).toBe(404);
    await expect(page.getByRole("heading", { name: "찾을 수 없음" })).toBeVisible();
    await context.close();
    console.log(`screenshots: ${SCREENSHOTS}`);
  });

  test("follows a pipeline run live: its row, article and agent graph move as the events arrive", async ({ page }) => {
    await logIn(page, FIRST.email, FIRST.password);
    await page.goto("/pipelines");
    await page.getByRole("link", { name: "Garden plan" }).click();
    await expect(page.getByRole("heading", { level: 1, name: "Garden plan" })).toBeVisible();
    await page.getByRole("table").getByRole("link").first().click();
    await expect(page).toHaveURL(new RegExp(`/pipelines/${LIVE.pipelineId}/runs/${LIVE.runId}$`));
    await expect(page.getByRole("heading", { level: 1, name: "Pipeline run" })).toBeVisible();

    const row = page.locator('tr[data-row="1"]');
    const writer = page.locator('tr[data-node="writer_a"]');
    await expect(page.getByTestId("live-connection")).toHaveAttribute("data-state", "live");
    await expect(row).toHaveAttribute("data-status", "writing");
    await expect(row).toContainText("Raised beds");
    await expect(writer).toHaveAttribute("data-status", "running");
    await expect(page.getByTestId("article-graph").locator("svg")).toBeVisible();
    await expectAccessible(page, "live run");
    await screenshot(page, "en-run-live");

    // No polling: while nothing happens, the page reads nothing.
    const reads: string[] = [];
    page.on("request", (request) => {
      if (new URL(request.url()).pathname.startsWith("/api/v1/") && !request.url().endsWith("/events")) reads.push(request.url());
    });
    await page.waitForTimeout(1500);
    expect(reads).toEqual([]);

    // The workers move on (tests/web/test_dashboard.py commits it when this file appears).
    writeFileSync(LIVE.signal, "open");
    await expect(row).toHaveAttribute("data-status", "done", { timeout: 30_000 });
    await expect(page.getByTestId("run-status")).toHaveText("Succeeded");
    await expect(page.getByTestId("live-connection")).toHaveAttribute("data-state", "ended");
    await expect(writer).toHaveAttribute("data-status", "finished");
    await expect(page.getByRole("table", { name: "Graph steps" })).toContainText("slowest");
    await expect(page.getByText("1 of 1 rows done, 0 failed")).toBeVisible();
    await expectAccessible(page, "finished run");
    await screenshot(page, "en-run-finished");
  });
});
