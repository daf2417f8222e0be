import { expect, test, type Page } from "@playwright/test";

import { expectAccessible, logIn, screenshot } from "./support";

/** Handed over by tests/web/test_posting.py: a fresh workspace, and the platform emulator
 * whose consent pages the connect buttons go through. */
const POSTING = {
  email: process.env.ICOP_E2E_POSTING_EMAIL ?? "",
  password: process.env.ICOP_E2E_POSTING_PASSWORD ?? "",
  emulator: process.env.ICOP_E2E_EMULATOR ?? "",
};

const TEXT = "Our calendar tip of the week: water your seedlings in the morning. Read more at https://example.org/seedlings/watering-guide";

interface ApiPost {
  id: string;
  platform: string;
  status: string;
  scheduled_at: string;
  platform_post_ids: (string | null)[];
}

function dayOf(date: Date): string {
  return date.toISOString().slice(0, 10);
}

function addDays(day: string, days: number): string {
  const date = new Date(`${day}T12:00:00Z`);
  date.setUTCDate(date.getUTCDate() + days);
  return dayOf(date);
}

async function apiGet<T>(page: Page, path: string): Promise<T> {
  return page.evaluate(async (url) => (await fetch(url)).json(), path) as Promise<T>;
}

test.describe.serial("posting: accounts, composer, calendar", () => {
  test.skip(!POSTING.email, "run by tests/web/test_posting.py, which starts the emulator and Temporal");

  // The tenant keeps its default time zone, UTC, here: three days ahead at 10:00.
  const due = addDays(dayOf(new Date()), 3);

  test("connects Facebook Pages, Instagram, Threads and X through the emulator's consent pages", async ({ page }) => {
    await logIn(page, POSTING.email, POSTING.password);
    await page.goto("/accounts");
    await expect(page.getByRole("heading", { level: 1, name: "Social accounts" })).toBeVisible();
    for (const [button, platforms] of [
      ["Connect Facebook Pages and Instagram", "Facebook, Instagram"],
      ["Connect Threads", "Threads"],
      ["Connect X", "X"],
    ] as const) {
      await page.getByRole("button", { name: button }).click();
      await page.waitForURL(/\/accounts\?connected=/);
      await expect(page.getByTestId("connected-notice")).toContainText(`Connected: ${platforms}.`);
    }
    const rows = page.getByRole("table").getByRole("row");
    await expect(rows).toHaveCount(5);
    for (const platform of ["Facebook", "Instagram", "Threads", "X"]) {
      await expect(page.getByRole("cell", { name: platform, exact: true })).toBeVisible();
    }
    // Token health and the quota per window, from the API.
    await expect(page.getByText(/Token (valid until|expires soon)/).first()).toBeVisible();
    await expect(page.getByText(/posts left per (15 minutes|24 hours)/).first()).toBeVisible();
    const accounts = await apiGet<{ platform: string; status: string }[]>(page, "/api/v1/accounts");
    expect(accounts.map((a) => a.platform).sort()).toEqual(["facebook", "instagram", "threads", "x"]);
    expect(accounts.every((a) => a.status === "connected")).toBe(true);
    await expectAccessible(page, "/accounts");
    await screenshot(page, "en-accounts-connected");
  });

  test("the composer shows each platform's count and fixes before scheduling", async ({ page }) => {
    await logIn(page, POSTING.email, POSTING.password);
    await page.goto("/calendar");
    await page.getByRole("link", { name: "New post" }).click();
    await expect(page.getByRole("heading", { level: 1, name: "New post" })).toBeVisible();
    await page.getByRole("checkbox", { name: /\(X\)$/ }).check();
    await page.getByRole("checkbox", { name: /\(Threads\)$/ }).check();
    await page.getByLabel(/^Text/).fill(TEXT);
    await page.getByLabel(/^Hashtags/).fill("#garden seedlings");
    // X counts a link as 23 characters whatever its length: the validator is the authority.
    const x = page.getByTestId("preview-x");
    await expect(x.getByTestId("count-x")).toContainText(`${TEXT.indexOf("https://") + 23} / 280`);
    await expect(page.getByTestId("preview-threads").getByTestId("count-threads")).toContainText("/ 500");
    await expect(x.getByTestId("fixed-x").first()).toContainText("#garden");
    await page.getByLabel(/^When/).fill(`${due}T10:00`);
    await expectAccessible(page, "/calendar/compose");
    await screenshot(page, "en-composer");
    await page.getByRole("button", { name: "Schedule" }).click();
    await expect(page.getByTestId("composer-done")).toContainText("2 posts scheduled");
    const posts = await apiGet<ApiPost[]>(page, `/api/v1/posts?from=${due}T00:00:00Z&to=${addDays(due, 1)}T00:00:00Z`);
    expect(posts.map((p) => p.platform).sort()).toEqual(["threads", "x"]);
    expect(posts.every((p) => p.scheduled_at.startsWith(`${due}T10:00`))).toBe(true);
  });

  test("drag a post to another day, then publish one now and see the emulator's id", async ({ page }) => {
    await logIn(page, POSTING.email, POSTING.password);
    await page.goto(`/calendar?view=month&day=${due}`);
    const dueCell = page.locator(`section[data-day="${due}"]`);
    await expect(dueCell.locator("[data-post-id]")).toHaveCount(2);
    await expect(dueCell.getByText("Scheduled").first()).toBeVisible();
    await expectAccessible(page, "/calendar");
    await screenshot(page, "en-calendar");

    // The next day, or the day before when the next is off this month's grid (both ahead).
    const next = addDays(due, 1);
    const target = (await page.locator(`section[data-day="${next}"]`).count()) ? next : addDays(due, -1);
    const xChip = dueCell.locator('[data-platform="x"]');
    const xId = (await xChip.getAttribute("data-post-id")) ?? "";
    await xChip.dragTo(page.locator(`section[data-day="${target}"]`));
    await expect(page.getByRole("status").filter({ hasText: "Moved to" })).toBeVisible();
    await expect(page.locator(`section[data-day="${target}"] [data-post-id="${xId}"]`)).toBeVisible();
    const moved = await apiGet<ApiPost>(page, `/api/v1/posts/${xId}`);
    expect(moved.scheduled_at.startsWith(`${target}T10:00`)).toBe(true);

    // The keyboard's way: the Threads post moved to 14:00 in the week view's panel.
    await page.goto(`/calendar?view=week&day=${due}`);
    const threadsChip = page.locator('[data-platform="threads"]');
    const threadsId = (await threadsChip.getAttribute("data-post-id")) ?? "";
    await expectAccessible(page, "/calendar (week)");
    await threadsChip.click();
    const panel = page.getByTestId("post-panel");
    await panel.getByLabel("Move to…").fill(`${due}T14:00`);
    await panel.getByRole("button", { name: "Move", exact: true }).click();
    await expect.poll(async () => (await apiGet<ApiPost>(page, `/api/v1/posts/${threadsId}`)).scheduled_at).toMatch(new RegExp(`^${due}T14:00`));
    await screenshot(page, "en-calendar-week-panel");
    await page.keyboard.press("Escape");

    // Publish the X post now: the worker sends it to the emulator.
    await page.goto(`/calendar?view=month&day=${target}`);
    await page.locator(`[data-post-id="${xId}"]`).click();
    await page.getByTestId("post-panel").getByRole("button", { name: "Publish now" }).click();
    await expect
      .poll(async () => (await apiGet<ApiPost>(page, `/api/v1/posts/${xId}`)).status, { timeout: 60_000 })
      .toBe("published");
    const published = await apiGet<ApiPost>(page, `/api/v1/posts/${xId}`);
    const platformId = published.platform_post_ids[0] ?? "";
    expect(platformId).not.toBe("");
    const received = (await (await page.request.get(`${POSTING.emulator}/_emulator/posts?platform=x`)).json()) as { data: { id?: string; post_id?: string }[] };
    expect(received.data.some((post) => post.id === platformId || post.post_id === platformId)).toBe(true);

    // On the calendar (published now: today), with the platform's id in its panel.
    await page.goto("/calendar");
    const chip = page.locator(`[data-post-id="${xId}"]`);
    await expect(chip).toHaveAttribute("data-status", "published");
    await expect(chip).toContainText("Published");
    await chip.click();
    await expect(page.getByTestId("platform-post-id")).toContainText(platformId);
    await screenshot(page, "en-calendar-published");
  });

  test("the calendar in Korean", async ({ browser }) => {
    const context = await browser.newContext({ locale: "ko-KR" });
    const page = await context.newPage();
    await logIn(page, POSTING.email, POSTING.password);
    await page.goto(`/calendar?view=month&day=${due}`);
    await expect(page.getByRole("heading", { level: 1, name: "캘린더" })).toBeVisible();
    await expect(page.getByRole("link", { name: "새 게시물" })).toBeVisible();
    await expect(page.getByText("예약됨").first()).toBeVisible();
    await expect(page.getByRole("radio", { name: "주" })).toBeAttached();
    await expectAccessible(page, "/calendar (ko)");
    await screenshot(page, "ko-calendar");
    await context.close();
  });
});
