import { expect, test, type Browser, type Page } from "@playwright/test";

import { expectAccessible, logIn, screenshot } from "./support";

/** Handed over by tests/web/test_workspace.py: an owner whose workspace has two unread notices
 * and three days of model calls, and a viewer of the same workspace. */
const W = {
  email: process.env.ICOP_E2E_WORKSPACE_EMAIL ?? "",
  password: process.env.ICOP_E2E_WORKSPACE_PASSWORD ?? "",
  viewerEmail: process.env.ICOP_E2E_WORKSPACE_VIEWER_EMAIL ?? "",
  viewerPassword: process.env.ICOP_E2E_WORKSPACE_VIEWER_PASSWORD ?? "",
  notifiedArticle: process.env.ICOP_E2E_WORKSPACE_NOTIFIED_ARTICLE ?? "",
};

async function korean(browser: Browser): Promise<Page> {
  const context = await browser.newContext({ locale: "ko-KR", baseURL: test.info().project.use.baseURL });
  return context.newPage();
}

test.describe.serial("the workspace pages", () => {
  // Started by tests/web/test_dashboard.py the suite has no workspace of its own: skip it there.
  test.skip(!W.email, "run by tests/web/test_workspace.py");

  test("the bell counts unread notices, lists them with links, and marks them read", async ({ page }) => {
    await logIn(page, W.email, W.password);
    const bell = page.getByTestId("notification-bell");
    await expect(bell).toHaveAttribute("aria-label", "Notifications, 2 unread");
    await bell.click();
    const dialog = page.getByRole("dialog", { name: "Notifications" });
    await expect(dialog).toBeVisible();
    await expect(dialog.getByTestId("notification")).toHaveCount(2);
    await expect(dialog.getByRole("link", { name: "Watering a vegetable garden awaits approval" })).toHaveAttribute(
      "href",
      `/articles/${W.notifiedArticle}`,
    );
    await expect(dialog.getByText("Waiting for your approval", { exact: true })).toBeVisible();
    await expect(dialog.getByText("Run failed", { exact: true })).toBeVisible();
    await expectAccessible(page, "the notifications");
    await screenshot(page, "en-notifications");

    await dialog.getByRole("button", { name: "Mark read: Watering a vegetable garden awaits approval" }).click();
    await expect(bell).toHaveAttribute("aria-label", "Notifications, 1 unread");
    await expect(dialog.locator('[data-unread="true"]')).toHaveCount(1);
    await dialog.getByRole("button", { name: "Mark all read" }).click();
    await expect(bell).toHaveAttribute("aria-label", "Notifications, none unread");
    await expect(dialog.locator('[data-unread="true"]')).toHaveCount(0);

    // Read on the server, not only in this page: a new page load says the same.
    await page.reload();
    await expect(page.getByTestId("notification-bell")).toHaveAttribute("aria-label", "Notifications, none unread");
  });

  test("the brand kit checks contrast as you type, previews a card, and saves", async ({ page }) => {
    await logIn(page, W.email, W.password);
    await page.goto("/brand");
    await expect(page.getByRole("heading", { level: 1, name: "Brand" })).toBeVisible();
    // The API's renderer draws the saved (here the default) kit.
    await expect(page.getByTestId("card-rendered")).toBeVisible();

    const background = page.getByRole("textbox", { name: "Background" });
    const text = page.getByRole("textbox", { name: "Text", exact: true });
    await background.fill("#ffffff");
    await text.fill("#cccccc");
    await page.keyboard.press("Escape");
    await expect(page.getByTestId("text-contrast")).toHaveAttribute("data-grade", "fail");
    await expect(page.getByTestId("contrast-too-low")).toBeVisible();
    await expect(page.getByRole("button", { name: "Save the brand kit" })).toBeDisabled();
    // Under the floor the renderer would refuse the kit: the browser's sketch stands in, labelled.
    await expect(page.getByTestId("card-preview")).toBeVisible();
    await expect(page.getByText("Sample card (preview)")).toBeVisible();
    await expect(page.getByTestId("card-background")).toHaveAttribute("fill", "#ffffff");

    await text.fill("#14532d");
    await expect(page.getByTestId("text-contrast")).toHaveAttribute("data-grade", "aaa");
    await page.getByRole("textbox", { name: "Accent" }).fill("#b45309");
    await page.keyboard.press("Escape"); // the colour picker's dropdown would cover the buttons
    const rendered = page.getByTestId("card-rendered");
    await expect(rendered).toBeVisible();
    await expect.poll(() => rendered.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(1080);
    await page.getByRole("textbox", { name: "Brand name" }).fill("Garden Co");
    await page.getByRole("button", { name: "Save the brand kit" }).click();
    await expect(page.getByText("The brand kit is saved.")).toBeVisible();
    await page.reload();
    await expect(page.getByRole("textbox", { name: "Text", exact: true })).toHaveValue("#14532d");
    await expect(page.getByRole("textbox", { name: "Brand name" })).toHaveValue("Garden Co");
  });

  test("brand voice samples and knowledge documents: add, list, search, remove", async ({ page }) => {
    await logIn(page, W.email, W.password);
    await page.goto("/brand");
    await page.getByLabel("Title (optional)").fill("Spring newsletter");
    await page.getByLabel("Passage").fill("We grow things slowly, with care, and we tell you exactly how.");
    await page.getByRole("button", { name: "Add the sample" }).click();
    // The first embedding loads the model: slower than a page.
    await expect(page.getByTestId("voice-sample")).toHaveCount(1, { timeout: 60_000 });
    await expect(page.getByTestId("voice-sample")).toContainText("Spring newsletter");

    // The brand logo has a file input of its own on this page.
    await page.getByRole("region", { name: "Knowledge documents" }).locator('input[type="file"]').setInputFiles({
      name: "mulch-guide.md",
      mimeType: "text/markdown",
      buffer: Buffer.from("# Mulching guide\n\nA five centimetre layer of mulch keeps the soil moist through summer.\n"),
    });
    await page.getByRole("button", { name: "Upload", exact: true }).click();
    await expect(page.getByTestId("knowledge-documents")).toContainText("Mulching guide", { timeout: 60_000 });
    await page.getByLabel("Search for").fill("keeping soil moist");
    await page.getByRole("button", { name: "Search the documents" }).click();
    await expect(page.getByTestId("knowledge-hits")).toContainText("Mulching guide", { timeout: 60_000 });
    await expectAccessible(page, "/brand");
    await screenshot(page, "en-brand-editor");

    await page.getByRole("button", { name: "Remove the sample “Spring newsletter”" }).click();
    await expect(page.getByTestId("voice-sample")).toHaveCount(0);
  });

  test("usage draws the model calls per day, per model and per task, and the routing", async ({ page }) => {
    await logIn(page, W.email, W.password);
    await page.goto("/usage");
    await expect(page.getByRole("heading", { level: 1, name: "Usage" })).toBeVisible();
    const chart = page.getByTestId("usage-chart");
    await expect(chart.getByRole("img", { name: "Cost per day, by model" })).toBeVisible();
    await expect(chart.locator("rect")).toHaveCount(4);
    await expect(page.getByTestId("usage-legend")).toContainText("fake/writer-large");
    await chart.getByText("Task", { exact: true }).click();
    await chart.getByText("Tokens", { exact: true }).click();
    await expect(page.getByTestId("usage-legend")).toContainText("write.draft");
    await expect(page.getByTestId("usage-legend")).toContainText("3,200");
    await expect(page.getByRole("heading", { name: "Model routing per task" })).toBeVisible();
    await expectAccessible(page, "/usage");
    await screenshot(page, "en-usage-chart");
  });

  test("settings: create an API key (secret shown once) and revoke it, invite a member, read the audit log", async ({ page }) => {
    await logIn(page, W.email, W.password);
    await page.goto("/settings");
    await expect(page.getByRole("heading", { level: 1, name: "Settings" })).toBeVisible();
    await expect(page.getByTestId("members")).toContainText(W.viewerEmail);

    await page.getByRole("textbox", { name: "Name" }).fill("Reporting script");
    await page.getByRole("button", { name: "Create a key" }).click();
    const secret = page.getByTestId("api-key-secret");
    await expect(secret).toContainText("it is shown only this once");
    const key = (await secret.locator("pre").innerText()).trim();
    expect(key.length).toBeGreaterThan(20);
    await expect(page.getByTestId("api-keys")).toContainText("Reporting script");
    // The key works for a script, outside the browser's session.
    const me = await page.request.get("/api/v1/me", { headers: { "x-api-key": key } });
    expect(me.status()).toBe(200);
    await page.getByRole("button", { name: "Revoke the key “Reporting script”" }).click();
    await expect(page.getByText("No API keys.")).toBeVisible();
    const refused = await page.request.get("/api/v1/me", { headers: { "x-api-key": key } });
    expect(refused.status()).toBe(401);

    const invitee = `invitee-${Date.now()}@example.com`;
    await page.getByRole("textbox", { name: "Email" }).fill(invitee);
    await page.getByRole("button", { name: "Send the invitation" }).click();
    await expect(page.getByTestId("invitation-link")).toContainText(invitee);
    await expect(page.getByTestId("invitations")).toContainText(invitee);

    await page.getByRole("textbox", { name: "Action" }).fill("api_key.revoked");
    await page.getByRole("button", { name: "Filter" }).click();
    await expect(page).toHaveURL(/action=api_key.revoked/);
    const log = page.getByTestId("audit-log");
    await expect(log).toContainText("api_key.revoked");
    await expect(log).not.toContainText("invitation.created");
    await page.getByRole("link", { name: "Show all" }).click();
    await expect(page.getByTestId("audit-log")).toContainText("invitation.created");
    await expectAccessible(page, "/settings");
    await screenshot(page, "en-settings");
  });

  test("in Korean: the brand, usage and settings pages", async ({ browser }) => {
    const page = await korean(browser);
    await logIn(page, W.email, W.password);
    await expect(page.getByTestId("notification-bell")).toHaveAttribute("aria-label", "알림, 읽지 않은 알림 없음");
    for (const [path, heading, name] of [
      ["/brand", "브랜드", "ko-brand-editor"],
      ["/usage", "사용량", "ko-usage-chart"],
      ["/settings", "설정", "ko-settings"],
    ] as const) {
      await page.goto(path);
      await expect(page.getByRole("heading", { level: 1, name: heading })).toBeVisible();
      await expectAccessible(page, `ko ${path}`);
      await screenshot(page, name);
    }
    await page.goto("/usage");
    await expect(page.getByTestId("usage-chart").getByRole("img", { name: "일별 모델별 비용" })).toBeVisible();
    await page.goto("/brand");
    await expect(page.getByText("샘플 카드", { exact: true })).toBeVisible();
    await expect(page.getByTestId("card-rendered")).toHaveAttribute("alt", /^이 색상으로 만든 샘플 카드/);
    await page.context().close();
  });

  test("a viewer reads everything and changes nothing; the API refuses it anyway", async ({ page }) => {
    await logIn(page, W.viewerEmail, W.viewerPassword);
    await page.goto("/brand");
    await expect(page.getByTestId("kit-read-only")).toBeVisible();
    await expect(page.getByRole("textbox", { name: "Brand name" })).toHaveValue("Garden Co");
    for (const name of ["Save the brand kit", "Add the sample", "Upload"]) {
      await expect(page.getByRole("button", { name })).toHaveCount(0);
    }
    await expect(page.getByTestId("knowledge-documents")).toContainText("Mulching guide");
    await expect(page.getByRole("button", { name: /^Remove/ })).toHaveCount(0);
    await expectAccessible(page, "viewer /brand");

    await page.goto("/settings");
    await expect(page.getByTestId("admins-only")).toBeVisible();
    await expect(page.getByRole("button", { name: "Create a key" })).toHaveCount(0);
    await expect(page.getByRole("button", { name: "Send the invitation" })).toHaveCount(0);
    await expect(page.getByRole("button", { name: /^Remove/ })).toHaveCount(0);
    await screenshot(page, "en-settings-viewer");

    const statuses = await page.evaluate(async () => {
      const token = document.cookie.split("; ").find((c) => c.startsWith("icop_csrf="))?.split("=")[1] ?? "";
      const headers = { "content-type": "application/json", "x-csrf-token": decodeURIComponent(token) };
      const kit = await fetch("/api/v1/brand/kit", {
        method: "PUT",
        headers,
        body: JSON.stringify({ name: "Hijack", background: "#000000", accent: "#ffffff", text: "#ffffff" }),
      });
      const key = await fetch("/api/v1/api-keys", { method: "POST", headers, body: JSON.stringify({ name: "x" }) });
      return [kit.status, key.status];
    });
    expect(statuses).toEqual([403, 403]);
  });
});
