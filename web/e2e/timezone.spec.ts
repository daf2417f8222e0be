import { expect, test, type Browser, type Page } from "@playwright/test";

import { expectAccessible, logIn, screenshot } from "./support";

/** Handed over by tests/web/test_timezone.py: an owner and a viewer of a workspace still in
 * UTC, with a pipeline (no schedule yet) and a post at 23:30 UTC three days ahead, and a local
 * HTTP server standing in for Slack's incoming webhook. */
const Z = {
  email: process.env.ICOP_E2E_TZ_EMAIL ?? "",
  password: process.env.ICOP_E2E_TZ_PASSWORD ?? "",
  viewerEmail: process.env.ICOP_E2E_TZ_VIEWER_EMAIL ?? "",
  viewerPassword: process.env.ICOP_E2E_TZ_VIEWER_PASSWORD ?? "",
  pipelineId: process.env.ICOP_E2E_TZ_PIPELINE ?? "",
  /** The post's UTC day (YYYY-MM-DD); at 23:30 UTC it is 08:30 the next day in Seoul. */
  postDay: process.env.ICOP_E2E_TZ_POST_DAY ?? "",
  hook: process.env.ICOP_E2E_TZ_HOOK ?? "",
};

function nextDay(day: string): string {
  const date = new Date(`${day}T12:00:00Z`);
  date.setUTCDate(date.getUTCDate() + 1);
  return date.toISOString().slice(0, 10);
}

async function korean(browser: Browser): Promise<Page> {
  const context = await browser.newContext({ locale: "ko-KR", baseURL: test.info().project.use.baseURL });
  return context.newPage();
}

test.describe.serial("the workspace time zone and the notification webhook", () => {
  test.skip(!Z.email, "run by tests/web/test_timezone.py");

  test("in UTC first: the post sits at 23:30 on its UTC day", async ({ page }) => {
    await logIn(page, Z.email, Z.password);
    await page.goto(`/calendar?view=week&day=${Z.postDay}`);
    await expect(page.getByText("Times in UTC.", { exact: false })).toBeVisible();
    const slot = page.locator(`section[data-day="${Z.postDay}"][data-hour="23"]`);
    await expect(slot.locator("[data-post-id]")).toContainText("11:30 PM");
  });

  test("the owner picks Asia/Seoul from the searchable list, and every page follows", async ({ page }) => {
    await logIn(page, Z.email, Z.password);
    await page.goto("/settings");
    await expect(page.getByRole("heading", { level: 2, name: "Time zone" })).toBeVisible();
    // The input by its test id: Mantine's (hidden) listbox is labelled by the same label.
    const select = page.getByTestId("time-zone-select");
    await expect(page.getByText("Workspace time zone", { exact: true })).toBeVisible();
    await expect(select).toHaveValue(/^UTC/);
    await select.click();
    await select.fill("Seoul");
    await page.getByRole("option", { name: "Asia/Seoul (GMT+9)" }).click();
    await page.getByRole("button", { name: "Save time zone" }).click();
    await expect(page.getByTestId("time-zone-message")).toHaveText("Saved: schedules and pages now use Asia/Seoul.");
    await expect(page.getByTestId("time-zone-now")).toContainText("Now in Asia/Seoul:");
    const tenant = await page.evaluate(async () => (await fetch("/api/v1/tenant")).json());
    expect(tenant.time_zone).toBe("Asia/Seoul");
    await expectAccessible(page, "/settings (time zone)");
    await screenshot(page, "en-settings-time-zone");

    // The calendar: 23:30 UTC is 08:30 the next day in Seoul.
    const seoulDay = nextDay(Z.postDay);
    await page.goto(`/calendar?view=week&day=${seoulDay}`);
    await expect(page.getByText("Times in Asia/Seoul.", { exact: false })).toBeVisible();
    await expect(page.locator(`section[data-day="${seoulDay}"][data-hour="8"] [data-post-id]`)).toContainText("8:30 AM");
    await expect(page.locator(`section[data-day="${Z.postDay}"][data-hour="23"] [data-post-id]`)).toHaveCount(0);
    await expectAccessible(page, "/calendar in KST");
    await screenshot(page, "en-calendar-kst");

    // The cron preview reads the fields in Seoul's clock, as Temporal now does.
    await page.goto(`/pipelines/${Z.pipelineId}`);
    await page.getByRole("textbox", { name: "Cron expression" }).fill("30 9 * * 1-5");
    const preview = page.getByTestId("cron-preview");
    await expect(preview).toContainText("At 09:30, Monday through Friday (Asia/Seoul)");
    await expect(preview).toContainText("Next runs (Asia/Seoul)");
    const times = preview.locator("time");
    await expect(times).toHaveCount(3);
    for (const time of await times.all()) {
      // 09:30 in Seoul is 00:30 UTC, shown as 09:30.
      await expect(time).toHaveAttribute("datetime", /T00:30:00\.000Z$/);
      await expect(time).toContainText("09:30");
    }
    await expect(page.getByText(/Read in the workspace's time zone, Asia\/Seoul/)).toBeVisible();
    await expectAccessible(page, "/pipelines/[id] in KST");
    await screenshot(page, "en-cron-kst");

    // The composer and home say the same zone.
    await page.goto("/calendar/compose");
    await expect(page.getByLabel(/^When \(Asia\/Seoul\)/)).toBeVisible();
    await page.goto("/");
    await expect(page.getByText("Times in Asia/Seoul", { exact: true })).toBeVisible();
  });

  test("the owner sets the webhook, sees it masked, sends a test message, and removes it", async ({ page }) => {
    await logIn(page, Z.email, Z.password);
    await page.goto("/settings");
    const section = page.getByRole("region", { name: "Notification webhook" });
    await expect(section.getByTestId("webhook-current")).toHaveText("No webhook is set: notifications stay in the dashboard.");
    await section.getByRole("textbox", { name: "Webhook URL" }).fill(Z.hook);
    await section.getByRole("button", { name: "Save webhook" }).click();
    const origin = new URL(Z.hook).origin;
    await expect(section.getByTestId("webhook-message")).toHaveText(`Saved: notifications now also go to ${origin}/…`);
    await expect(section.getByTestId("webhook-current")).toContainText(`Sending to ${origin}/…`);
    // The secret path never comes back to the page.
    expect(await page.content()).not.toContain(new URL(Z.hook).pathname);
    await section.getByRole("button", { name: "Send a test message" }).click();
    await expect(section.getByTestId("webhook-message")).toHaveText("Test message delivered (HTTP 200).");
    await expectAccessible(page, "/settings (webhook)");
    await screenshot(page, "en-settings-webhook");
  });

  test("in Korean: the settings and the calendar in the workspace's zone", async ({ browser }) => {
    const page = await korean(browser);
    await logIn(page, Z.email, Z.password);
    await page.goto("/settings");
    await expect(page.getByRole("heading", { level: 2, name: "시간대" })).toBeVisible();
    await expect(page.getByTestId("time-zone-select")).toHaveValue(/^Asia\/Seoul/);
    const section = page.getByRole("region", { name: "알림 웹훅" });
    await expect(section.getByTestId("webhook-current")).toContainText("(으)로 보내는 중입니다");
    await section.getByRole("button", { name: "테스트 메시지 보내기" }).click();
    await expect(section.getByTestId("webhook-message")).toHaveText("테스트 메시지를 전달했습니다(HTTP 200).");
    await expectAccessible(page, "ko /settings");
    await screenshot(page, "ko-settings-time-zone");
    await page.goto(`/calendar?view=week&day=${nextDay(Z.postDay)}`);
    await expect(page.getByText("Asia/Seoul", { exact: false }).first()).toBeVisible();
    await expect(page.locator(`section[data-day="${nextDay(Z.postDay)}"][data-hour="8"] [data-post-id]`)).toContainText("8:30");
    await expectAccessible(page, "ko /calendar");
    await screenshot(page, "ko-calendar-kst");
    await page.context().close();
  });

  test("a viewer sees the zone, cannot change it, and sees no webhook; the API refuses anyway", async ({ page }) => {
    await logIn(page, Z.viewerEmail, Z.viewerPassword);
    await page.goto("/settings");
    await expect(page.getByTestId("time-zone-select")).toBeDisabled();
    await expect(page.getByText("Workspace time zone", { exact: true })).toBeVisible();
    await expect(page.getByText("Owners and admins can change the time zone.")).toBeVisible();
    await expect(page.getByRole("button", { name: "Save time zone" })).toHaveCount(0);
    await expect(page.getByRole("region", { name: "Notification webhook" })).toHaveCount(0);
    const statuses = await page.evaluate(async () => {
      const csrf = document.cookie.split("; ").find((part) => part.startsWith("icop_csrf="))?.slice("icop_csrf=".length) ?? "";
      const headers = { "content-type": "application/json", "x-csrf-token": decodeURIComponent(csrf) };
      const zone = await fetch("/api/v1/tenant", { method: "PATCH", headers, body: JSON.stringify({ time_zone: "UTC" }) });
      const hook = await fetch("/api/v1/notifications/webhook/test", { method: "POST", headers });
      return [zone.status, hook.status];
    });
    expect(statuses).toEqual([403, 403]);
    await expectAccessible(page, "/settings as a viewer");
    await screenshot(page, "en-settings-viewer-time-zone");
  });

  test("the owner removes the webhook", async ({ page }) => {
    await logIn(page, Z.email, Z.password);
    await page.goto("/settings");
    const section = page.getByRole("region", { name: "Notification webhook" });
    await section.getByRole("button", { name: "Remove webhook" }).click();
    await expect(section.getByTestId("webhook-message")).toHaveText("Removed: notifications stay in the dashboard.");
    await expect(section.getByTestId("webhook-current")).toHaveText("No webhook is set: notifications stay in the dashboard.");
  });
});
