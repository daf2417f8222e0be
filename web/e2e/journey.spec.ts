import { readFileSync } from "node:fs";
import { join } from "node:path";

import { expect, test, type Browser, type BrowserContext, type Page } from "@playwright/test";

import { expectAccessible, PASSWORD, screenshot } from "./support";

/** Handed over by tests/web/test_journey.py, which runs the agents, planning and syndication
 * workers (fake model providers) and the platform emulator beside the API. */
const JOURNEY = {
  plan: process.env.ICOP_E2E_JOURNEY_PLAN ?? "",
  emulator: process.env.ICOP_E2E_EMULATOR ?? "",
};
const PLATFORMS = ["facebook", "instagram", "threads", "x"] as const;
// One text per locale: X refuses a post that repeats one of the account's earlier posts.
const MOVED_TEXT: Record<Locale, string> = {
  en: "Moved and published: this week's composting tips from our blog.",
  ko: "옮겨서 게시했습니다: 이번 주 블로그의 퇴비 만들기 팁.",
};
// A sentence of the fake writers' article (tests/agents/fakes.py), and the editor's change.
const PARAGRAPH = "Begin small with one bin";
const EDITED = "Begin with a single small bin";

type Locale = "en" | "ko";
type Messages = { [key: string]: string | Messages };
const MESSAGES: Record<Locale, Messages> = {
  en: JSON.parse(readFileSync(join(process.cwd(), "messages", "en.json"), "utf-8")) as Messages,
  ko: JSON.parse(readFileSync(join(process.cwd(), "messages", "ko.json"), "utf-8")) as Messages,
};

/** The page's own words (web/messages), so both journeys run the same steps. */
function message(locale: Locale, key: string, values: Record<string, string | number> = {}): string {
  let found: string | Messages = MESSAGES[locale];
  for (const part of key.split(".")) {
    if (typeof found === "string" || !(part in found)) throw new Error(`no message ${key} in ${locale}`);
    found = found[part] as string | Messages;
  }
  if (typeof found !== "string") throw new Error(`${key} is not a message`);
  return Object.entries(values).reduce((text, [name, value]) => text.replaceAll(`{${name}}`, String(value)), found);
}

function escaped(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** A label that starts with the message's text before its first placeholder. */
function startingWith(text: string): RegExp {
  return new RegExp(`^${escaped(text.split("{")[0] ?? text)}`);
}

function dayOf(date: Date): string {
  return date.toISOString().slice(0, 10);
}

function addDays(day: string, days: number): string {
  const date = new Date(`${day}T12:00:00Z`);
  date.setUTCDate(date.getUTCDate() + days);
  return dayOf(date);
}

interface ApiPost {
  id: string;
  article_id: string | null;
  platform: string;
  status: string;
  scheduled_at: string;
  platform_post_ids: (string | null)[];
}

async function apiGet<T>(page: Page, path: string): Promise<{ status: number; body: T }> {
  return page.evaluate(async (url) => {
    const response = await fetch(url);
    return { status: response.status, body: response.status === 204 ? null : await response.json() };
  }, path) as Promise<{ status: number; body: T }>;
}

/** What one journey made, for the workspaces that must not see it. */
interface Made {
  email: string;
  pipelineId: string;
  pipelineName: string;
  runId: string;
  articleId: string;
  postIds: string[];
  publicUrl: string;
}

const made: Partial<Record<Locale, Made>> = {};

async function journey(browser: Browser, baseURL: string | undefined, locale: Locale): Promise<void> {
  const t = (key: string, values: Record<string, string | number> = {}) => message(locale, key, values);
  const context: BrowserContext = await browser.newContext({ baseURL, locale: locale === "ko" ? "ko-KR" : "en-US" });
  const page = await context.newPage();
  const shot = (target: Page, name: string) => screenshot(target, `journey-${locale}-${name}`);
  const checked = async (target: Page, name: string) => {
    await expectAccessible(target, `${locale} ${name}`);
    await shot(target, name);
  };
  const email = `journey-${locale}-${Date.now()}@example.com`;
  const pipelineName = locale === "ko" ? "정원 콘텐츠 계획" : "Garden journey";

  // Sign up: a new workspace, with the browser's language.
  await page.goto("/signup");
  await expect(page.locator("html")).toHaveAttribute("lang", locale);
  await page.getByLabel(startingWith(t("auth.companyName"))).fill(locale === "ko" ? "정원 여정" : "Journey Gardens");
  await page.getByLabel(startingWith(t("auth.email"))).fill(email);
  await page.getByLabel(startingWith(t("auth.password"))).fill(PASSWORD);
  await checked(page, "signup");
  await page.getByRole("button", { name: t("auth.signup") }).click();
  await expect(page.getByRole("heading", { level: 1, name: t("home.title") })).toBeVisible();

  // The four platforms through the emulator's consent pages.
  await page.goto("/accounts");
  for (const [button, platforms] of [
    ["posting.accounts.connectMeta", ["Facebook", "Instagram"]],
    ["posting.accounts.connectThreads", ["Threads"]],
    ["posting.accounts.connectX", ["X"]],
  ] as const) {
    await page.getByRole("button", { name: t(button) }).click();
    await page.waitForURL(/\/accounts\?connected=/);
    for (const platform of platforms) await expect(page.getByTestId("connected-notice")).toContainText(platform);
  }
  const accounts = await apiGet<{ platform: string; status: string }[]>(page, "/api/v1/accounts");
  expect(accounts.body.map((a) => a.platform).sort()).toEqual([...PLATFORMS]);
  expect(accounts.body.every((a) => a.status === "connected")).toBe(true);
  await checked(page, "accounts");

  // Upload the example plan: its rows previewed, then saved.
  await page.goto("/pipelines/new");
  await page.getByLabel(t("accountPlans.pipelines.name")).fill(pipelineName);
  await page.getByLabel(t("accountPlans.pipelines.file")).setInputFiles(JOURNEY.plan);
  const preview = page.getByTestId("plan-preview");
  await expect(preview.locator('tr[data-state="ready"]')).toHaveCount(3);
  await expect(preview).toContainText("Home composting for beginners");
  await checked(page, "pipeline-preview");
  await page.getByRole("button", { name: t("accountPlans.pipelines.save") }).click();
  await expect(page.getByRole("heading", { level: 1, name: pipelineName })).toBeVisible();
  const pipelineId = page.url().split("/").pop() ?? "";
  // Articles wait for a person, and go out on every connected platform once approved.
  const publishing = page.getByRole("region", { name: t("pipelineDefaults.title") });
  const approval = publishing.getByRole("switch", { name: startingWith(t("pipelineDefaults.approval")) });
  await approval.check();
  await expect(approval).toBeChecked();
  for (const platform of PLATFORMS) await publishing.getByRole("checkbox", { name: t(`posting.platform.${platform}`), exact: true }).check();
  await publishing.getByRole("button", { name: t("pipelineDefaults.save") }).click();
  await expect(publishing.getByRole("status")).toHaveText(t("pipelineDefaults.saved"));
  const saved = await apiGet<{ defaults: Record<string, unknown> }>(page, `/api/v1/pipelines/${pipelineId}`);
  expect(saved.body.defaults).toMatchObject({ approval_required: true, platforms: [...PLATFORMS], mode: "compare", language: "en" });
  await checked(page, "pipeline");

  // Run now, into the live view: the articles are written while the page watches.
  await page.getByRole("button", { name: t("accountPlans.pipelines.runNow") }).click();
  await expect(page).toHaveURL(/\/pipelines\/[0-9a-f-]+\/runs\/[0-9a-f-]+$/);
  const runId = page.url().split("/").pop() ?? "";
  await expect(page.getByTestId("live-connection")).toHaveAttribute("data-state", "live");
  const waiting = page.locator("[data-article]").filter({ hasText: t("articleStatus.awaiting_approval") });
  // Two at a time (the pipeline's max_concurrent_articles); an article waiting for approval
  // gives its slot back, so the third is written while the first two wait: all three wait.
  await expect(waiting).toHaveCount(3, { timeout: 180_000 });
  const articleId = (await waiting.first().getAttribute("data-article")) ?? "";
  expect(articleId).toMatch(/^[0-9a-f-]{36}$/);
  const row = page.locator("tr[data-row]").filter({ has: page.locator(`[data-article="${articleId}"]`) });
  await expect(row).toHaveAttribute("data-status", "writing");
  await checked(page, "run-live");

  // No polling: while nothing happens, the live view reads nothing.
  const reads: string[] = [];
  page.on("request", (request) => {
    const url = new URL(request.url());
    if (url.pathname.startsWith("/api/v1/") && !url.pathname.endsWith("/events")) reads.push(url.pathname);
  });
  await page.waitForTimeout(1500);
  expect(reads).toEqual([]);

  // The article, beside the live view: edit a paragraph, see the diff, approve.
  const review = await context.newPage();
  await review.goto(`/articles/${articleId}`);
  await expect(review.getByRole("heading", { level: 1 })).toBeVisible();
  await checked(review, "article");
  await review.getByRole("button", { name: t("editor.open") }).click();
  const markdown = review.getByRole("textbox", { name: t("editor.markdown"), exact: true });
  await expect(markdown).toHaveValue(new RegExp(PARAGRAPH));
  await markdown.fill((await markdown.inputValue()).replace(PARAGRAPH, EDITED));
  await review.getByRole("textbox", { name: t("editor.summary") }).fill("a single bin");
  await review.getByRole("button", { name: t("editor.save") }).click();
  await expect(review.getByText(t("editor.saved", { version: 2 }))).toBeVisible();
  await review.getByRole("link", { name: t("versions.show", { number: 2 }) }).click();
  await expect(review.getByRole("heading", { name: t("versions.changes", { number: 2 }) })).toBeVisible();
  await expect(review.locator('.diff [data-diff="removed"]', { hasText: PARAGRAPH })).toBeVisible();
  await expect(review.locator('.diff [data-diff="added"]', { hasText: EDITED })).toBeVisible();
  await checked(review, "article-diff");
  await review.getByRole("button", { name: t("decision.approve") }).click();
  await expect
    .poll(async () => (await apiGet<{ status: string }>(review, `/api/v1/articles/${articleId}`)).body.status, { timeout: 30_000 })
    .toBe("ready");

  // The live view follows: the approved article is ready and its row done.
  const approved = page.locator(`[data-article="${articleId}"]`);
  await expect(approved).toContainText(t("articleStatus.ready"), { timeout: 30_000 });
  await expect(row).toHaveAttribute("data-status", "done", { timeout: 30_000 });
  await checked(page, "run-ready");

  // Its posts, one per connected platform, published on the emulator and on the calendar.
  const today = dayOf(new Date());
  const window = `from=${addDays(today, -1)}T00:00:00Z&to=${addDays(today, 2)}T00:00:00Z`;
  const articlePosts = async () =>
    (await apiGet<ApiPost[]>(review, `/api/v1/posts?${window}`)).body.filter((p) => p.article_id === articleId);
  await expect
    .poll(async () => (await articlePosts()).map((p) => `${p.platform}:${p.status}`).sort(), { timeout: 90_000 })
    .toEqual(PLATFORMS.map((p) => `${p}:published`));
  const posts = await articlePosts();
  for (const post of posts) {
    const received = (await (await review.request.get(`${JOURNEY.emulator}/_emulator/posts?platform=${post.platform}`)).json()) as {
      data: { id?: string; post_id?: string }[];
    };
    const id = post.platform_post_ids[0] ?? "";
    expect(id, post.platform).not.toBe("");
    expect(received.data.some((item) => item.id === id || item.post_id === id), post.platform).toBe(true);
  }
  await review.goto(`/calendar?view=month&day=${today}`);
  for (const post of posts) {
    await expect(review.locator(`[data-post-id="${post.id}"]`)).toHaveAttribute("data-status", "published");
  }
  await checked(review, "calendar");

  // A scheduled post about it: dragged to another day, then published now.
  const due = addDays(today, 3);
  await review.goto("/calendar/compose");
  await review.getByRole("checkbox", { name: /\(X\)$/ }).check();
  await review.getByLabel(startingWith(t("posting.composer.text"))).fill(MOVED_TEXT[locale]);
  await review.getByLabel(startingWith(t("posting.composer.when"))).fill(`${due}T10:00`);
  await checked(review, "composer");
  await review.getByRole("button", { name: t("posting.composer.schedule") }).click();
  await expect(review.getByTestId("composer-done")).toBeVisible();
  const scheduled = (await apiGet<ApiPost[]>(review, `/api/v1/posts?from=${due}T00:00:00Z&to=${addDays(due, 1)}T00:00:00Z`)).body;
  expect(scheduled.map((p) => `${p.platform}:${p.status}`)).toEqual(["x:scheduled"]);
  const postId = scheduled[0]?.id ?? "";

  await review.goto(`/calendar?view=month&day=${due}`);
  const next = addDays(due, 1);
  const target = (await review.locator(`section[data-day="${next}"]`).count()) ? next : addDays(due, -1);
  await review.locator(`[data-post-id="${postId}"]`).dragTo(review.locator(`section[data-day="${target}"]`));
  await expect(review.locator(`section[data-day="${target}"] [data-post-id="${postId}"]`)).toBeVisible();
  await expect
    .poll(async () => (await apiGet<ApiPost>(review, `/api/v1/posts/${postId}`)).body.scheduled_at)
    .toMatch(new RegExp(`^${target}T10:00`));
  await review.locator(`[data-post-id="${postId}"]`).click();
  await review.getByTestId("post-panel").getByRole("button", { name: t("posting.calendar.publishNow") }).click();
  await expect
    .poll(async () => (await apiGet<ApiPost>(review, `/api/v1/posts/${postId}`)).body.status, { timeout: 60_000 })
    .toBe("published");
  const platformId = (await apiGet<ApiPost>(review, `/api/v1/posts/${postId}`)).body.platform_post_ids[0] ?? "";
  expect(platformId).not.toBe("");
  const onX = (await (await review.request.get(`${JOURNEY.emulator}/_emulator/posts?platform=x`)).json()) as {
    data: { id?: string; post_id?: string }[];
  };
  expect(onX.data.some((item) => item.id === platformId || item.post_id === platformId)).toBe(true);
  await review.goto("/calendar");
  await review.locator(`[data-post-id="${postId}"]`).click();
  await expect(review.getByTestId("platform-post-id")).toContainText(platformId);
  await checked(review, "calendar-published");
  await review.keyboard.press("Escape");

  // The article on the public blog: in its sitemap, with its OpenGraph tags.
  await review.goto(`/articles/${articleId}`);
  const blog = review.getByRole("region", { name: t("blog.title") });
  await blog.getByRole("button", { name: t("blog.publish") }).click();
  const link = review.getByTestId("public-url").getByRole("link");
  await expect(link).toBeVisible();
  const publicUrl = (await link.getAttribute("href")) ?? "";
  expect(publicUrl).toMatch(/\/blog\/[a-z0-9-]+\/[a-z0-9-]+$/);
  await checked(review, "article-published");
  const path = new URL(publicUrl).pathname;
  const sitemap = await review.request.get(`${path.slice(0, path.lastIndexOf("/"))}/sitemap.xml`);
  expect(sitemap.status()).toBe(200);
  expect(await sitemap.text()).toContain(`<loc>${publicUrl}</loc>`);

  const reader = await browser.newContext({ baseURL, locale: locale === "ko" ? "ko-KR" : "en-US" });
  const publicPage = await reader.newPage();
  expect((await publicPage.goto(path))?.status()).toBe(200);
  await expect(publicPage.getByRole("heading", { level: 1 })).toBeVisible();
  const og = async (key: string) => publicPage.locator(`meta[property="${key}"]`).first().getAttribute("content");
  expect(await og("og:type")).toBe("article");
  expect(await og("og:url")).toBe(publicUrl);
  expect(await og("og:title")).toBe(await publicPage.title());
  expect(await og("og:description")).toBeTruthy();
  expect(await og("og:image")).toMatch(/^https?:\/\//);
  expect(await publicPage.locator('link[rel="canonical"]').getAttribute("href")).toBe(publicUrl);
  await expect(publicPage.getByText(EDITED)).toBeVisible();
  await checked(publicPage, "blog");
  await reader.close();

  made[locale] = { email, pipelineId, pipelineName, runId, articleId, postIds: [...posts.map((p) => p.id), postId], publicUrl };
  await context.close();
}

test.describe.serial("the journey of a marketing team", () => {
  test.skip(!JOURNEY.plan, "run by tests/web/test_journey.py, which starts the workers and the emulator");

  test("in English: sign up, connect, plan, run live, edit and approve, post, publish", async ({ browser, baseURL }) => {
    test.setTimeout(240_000);
    await journey(browser, baseURL, "en");
  });

  test("the same in Korean", async ({ browser, baseURL }) => {
    test.setTimeout(240_000);
    await journey(browser, baseURL, "ko");
  });

  test("another workspace sees none of it, in its pages or by forged addresses", async ({ browser, baseURL }) => {
    const journeys = [made.en, made.ko].filter((m): m is Made => m !== undefined);
    expect(journeys).toHaveLength(2);
    const context = await browser.newContext({ baseURL });
    const page = await context.newPage();
    await page.goto("/signup");
    await page.getByLabel(/^Company or brand name/).fill("Outsider Gardens");
    await page.getByLabel(/^Email/).fill(`outsider-${Date.now()}@example.com`);
    await page.getByLabel(/^Password/).fill(PASSWORD);
    await page.getByRole("button", { name: "Create workspace" }).click();
    await expect(page.getByRole("heading", { level: 1, name: "Home" })).toBeVisible();

    // Its own pages list nothing of theirs.
    await page.goto("/articles");
    await expect(page.getByText("No articles yet.")).toBeVisible();
    await page.goto("/pipelines");
    await expect(page.getByText(/^No pipelines yet/)).toBeVisible();
    await page.goto("/calendar");
    await expect(page.getByTestId("month-grid")).toBeVisible();
    await expect(page.locator("[data-post-id]")).toHaveCount(0);
    await page.goto("/accounts");
    await expect(page.getByText("No social accounts connected yet.")).toBeVisible();
    for (const other of journeys) {
      await page.goto("/");
      await expect(page.locator(`a[href*="${other.articleId}"], a[href*="${other.pipelineId}"]`)).toHaveCount(0);
    }

    // Their ids in its addresses: not found, nothing of theirs shown.
    for (const other of journeys) {
      for (const path of [
        `/articles/${other.articleId}`,
        `/pipelines/${other.pipelineId}`,
        `/pipelines/${other.pipelineId}/runs/${other.runId}`,
      ]) {
        const response = await page.goto(path);
        expect(response?.status(), path).toBe(404);
        await expect(page.getByTestId("not-found")).toBeVisible();
        await expect(page.locator("body")).not.toContainText(other.pipelineName);
      }
      for (const path of [
        `/api/v1/articles/${other.articleId}`,
        `/api/v1/pipelines/${other.pipelineId}`,
        `/api/v1/pipelines/${other.pipelineId}/runs/${other.runId}`,
        ...other.postIds.map((id) => `/api/v1/posts/${id}`),
      ]) {
        expect((await apiGet<unknown>(page, path)).status, path).toBe(404);
      }
      // The live events of their run: refused before anything is streamed.
      const events = await page.evaluate(async (url) => {
        const abort = new AbortController();
        const response = await fetch(url, { signal: abort.signal });
        abort.abort();
        return response.status;
      }, `/api/v1/pipelines/${other.pipelineId}/runs/${other.runId}/events`);
      expect(events).toBe(404);
    }
    await expectAccessible(page, "not found (forged id)");
    await screenshot(page, "journey-en-forged-id");

    // Nor do the two journeys' workspaces see each other's.
    const [en, ko] = journeys as [Made, Made];
    const koContext = await browser.newContext({ baseURL, locale: "ko-KR" });
    const koPage = await koContext.newPage();
    await koPage.goto("/login");
    await koPage.getByLabel(/^이메일/).fill(ko.email);
    await koPage.getByLabel(/^비밀번호/).fill(PASSWORD);
    await koPage.getByRole("button", { name: "로그인" }).click();
    await expect(koPage.getByRole("navigation")).toBeVisible();
    await koPage.goto("/articles");
    await expect(koPage.locator(`a[href*="${ko.articleId}"]`).first()).toBeVisible();
    await expect(koPage.locator(`a[href*="${en.articleId}"]`)).toHaveCount(0);
    expect((await koPage.goto(`/articles/${en.articleId}`))?.status()).toBe(404);
    await expect(koPage.getByRole("heading", { name: "찾을 수 없음" })).toBeVisible();
    await screenshot(koPage, "journey-ko-forged-id");
    await koContext.close();
    await context.close();
  });
});
