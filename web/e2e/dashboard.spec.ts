import { expect, test } from "@playwright/test";

import { expectAccessible, FIRST, logIn, PASSWORD, screenshot, SCREENSHOTS } from "./support";

const PAGES = [
  { path: "/", en: "Home", ko: "홈" },
  { path: "/pipelines", en: "Pipelines", ko: "파이프라인" },
  { path: "/articles", en: "Articles", ko: "아티클" },
  { path: "/calendar", en: "Calendar", ko: "캘린더" },
  { path: "/accounts", en: "Social accounts", ko: "소셜 계정" },
  { path: "/brand", en: "Brand", ko: "브랜드" },
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
});
