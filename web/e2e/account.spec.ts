import { expect, test } from "@playwright/test";

import { newestLink } from "./mail";
import { expectAccessible, logIn, screenshot } from "./support";

/** Handed over by tests/web/test_account_pipelines.py: an account signed up through the API,
 * whose verification e-mail is in the mail sink. */
const ACCOUNT = {
  email: process.env.ICOP_E2E_ACCOUNT_EMAIL ?? "",
  password: process.env.ICOP_E2E_ACCOUNT_PASSWORD ?? "",
};
const NEW_PASSWORD = "a-brand-new-password";

test.describe.serial("account pages from e-mailed links", () => {
  test.skip(!ACCOUNT.email, "run by tests/web/test_account_pipelines.py");

  test("the verification link confirms the address once, reading its token from the fragment", async ({ page }) => {
    const link = await newestLink(ACCOUNT.email, "verify-email");
    const requests: string[] = [];
    page.on("request", (request) => requests.push(request.url()));
    await page.goto(link);
    await expect(page.getByText("Thank you: your e-mail address is confirmed.")).toBeVisible();
    // Read, then dropped from the address bar; never sent in a URL to a server.
    await expect(page).not.toHaveURL(/#/);
    // The fragment is never sent; nor does the page put the token in a URL of its own.
    const token = link.split("#")[1] ?? "";
    expect(requests.filter((url) => new URL(url).pathname.includes(token) || new URL(url).search.includes(token))).toEqual([]);
    await expectAccessible(page, "/verify-email");
    await screenshot(page, "en-verify-email");

    // Opened again (a fresh load: from the same path only the fragment would change).
    await page.goto("about:blank");
    await page.goto(link);
    await expect(page.getByRole("alert").filter({ hasText: "This link no longer works" })).toBeVisible();
    await expect(page.getByRole("alert").filter({ hasText: "already used or expired" })).toBeVisible();
  });

  test("forgot password: the same neutral answer for any address, then a reset link that signs every session out", async ({ page, browser }) => {
    // A session on the old password, in another browser: it must not survive the reset.
    const other = await browser.newContext({ baseURL: test.info().project.use.baseURL });
    const otherPage = await other.newPage();
    await logIn(otherPage, ACCOUNT.email, ACCOUNT.password);

    await page.goto("/login");
    await page.getByRole("link", { name: "Forgot your password?" }).click();
    await expect(page).toHaveURL(/\/forgot-password$/);
    await expect(page.getByRole("heading", { level: 1, name: "Reset your password" })).toBeVisible();
    await expectAccessible(page, "/forgot-password");
    await screenshot(page, "en-forgot-password");

    const neutral = "If an account uses this address, we have sent it a link";
    await page.getByLabel(/^Email/).fill(`nobody-${Date.now()}@example.com`);
    await page.getByRole("button", { name: "Send me a reset link" }).click();
    await expect(page.getByRole("status").filter({ hasText: neutral })).toBeVisible();

    await page.goto("/forgot-password");
    await page.getByLabel(/^Email/).fill(ACCOUNT.email);
    await page.getByRole("button", { name: "Send me a reset link" }).click();
    await expect(page.getByRole("status").filter({ hasText: neutral })).toBeVisible();

    const link = await newestLink(ACCOUNT.email, "reset-password");
    await page.goto(link);
    await expect(page.getByRole("heading", { level: 1, name: "Choose a new password" })).toBeVisible();
    await expect(page).not.toHaveURL(/#/);
    await expectAccessible(page, "/reset-password");
    await screenshot(page, "en-reset-password");
    await page.getByLabel(/^New password(?! again)/).fill(NEW_PASSWORD);
    await page.getByLabel(/^New password again/).fill(`${NEW_PASSWORD}-typo`);
    await page.getByRole("button", { name: "Set the new password" }).click();
    await expect(page.getByRole("alert").filter({ hasText: "The two passwords are not the same." })).toBeVisible();
    await page.getByLabel(/^New password again/).fill(NEW_PASSWORD);
    await page.getByRole("button", { name: "Set the new password" }).click();
    await expect(page.getByRole("status").filter({ hasText: "Every device that was signed in to this account has been signed out." })).toBeVisible();

    // The link worked once.
    await page.goto("about:blank");
    await page.goto(link);
    await page.getByLabel(/^New password(?! again)/).fill(NEW_PASSWORD);
    await page.getByLabel(/^New password again/).fill(NEW_PASSWORD);
    await page.getByRole("button", { name: "Set the new password" }).click();
    await expect(page.getByRole("alert").filter({ hasText: "The link is unknown, already used or expired." })).toBeVisible();
    await expect(page.getByRole("link", { name: "Ask for a new link" })).toBeVisible();

    // The other browser's session ended with the reset.
    await otherPage.goto("/pipelines");
    await expect(otherPage).toHaveURL(/\/login/);
    await other.close();

    // The old password no longer works; the new one does.
    await page.goto("/login");
    await page.getByLabel(/^Email/).fill(ACCOUNT.email);
    await page.getByLabel(/^Password/).fill(ACCOUNT.password);
    await page.getByRole("button", { name: "Log in" }).click();
    await expect(page.getByRole("alert").filter({ hasText: "That did not work" })).toBeVisible();
    await logIn(page, ACCOUNT.email, NEW_PASSWORD);
    await expect(page.getByRole("heading", { level: 1, name: "Home" })).toBeVisible();
  });

  test("the account pages in Korean", async ({ browser }) => {
    const context = await browser.newContext({ locale: "ko-KR", baseURL: test.info().project.use.baseURL });
    const page = await context.newPage();
    await page.goto("/login");
    await page.getByRole("link", { name: "비밀번호를 잊으셨나요?" }).click();
    await expect(page.getByRole("heading", { level: 1, name: "비밀번호 재설정" })).toBeVisible();
    await expectAccessible(page, "/forgot-password (ko)");
    await screenshot(page, "ko-forgot-password");
    await page.goto("/reset-password");
    await expect(page.getByRole("alert").filter({ hasText: "링크가 완전하지 않습니다" })).toBeVisible();
    await context.close();
  });
});

