import { mkdirSync } from "node:fs";
import { join, resolve } from "node:path";

import AxeBuilder from "@axe-core/playwright";
import { expect, type Page } from "@playwright/test";

export const ARTEFACTS = resolve(process.env.ICOP_E2E_ARTEFACTS ?? "test-artefacts");
export const SCREENSHOTS = join(ARTEFACTS, "screenshots");
mkdirSync(SCREENSHOTS, { recursive: true });

export const PASSWORD = "correct-horse-battery";

/** What the suite was handed by tests/web/test_dashboard.py: a first workspace with an
 * article, made through the API and the database before the browser starts. */
export const FIRST = {
  email: process.env.ICOP_E2E_FIRST_EMAIL ?? "",
  password: process.env.ICOP_E2E_FIRST_PASSWORD ?? "",
  articleId: process.env.ICOP_E2E_FIRST_ARTICLE ?? "",
  /** Awaiting approval, with a blocking finding of the quality gate. */
  reviewId: process.env.ICOP_E2E_REVIEW_ARTICLE ?? "",
};

/** A pipeline run in the middle of writing, which the test moves on when the signal file
 * appears (tests/web/test_dashboard.py). */
export const LIVE = {
  pipelineId: process.env.ICOP_E2E_PIPELINE ?? "",
  runId: process.env.ICOP_E2E_RUN ?? "",
  signal: process.env.ICOP_E2E_LIVE_SIGNAL ?? join(ARTEFACTS, "live-view-open"),
};

/** No serious or critical WCAG 2 A/AA violation on the page as it is now. */
export async function expectAccessible(page: Page, name: string): Promise<void> {
  // Next.js 15 streams a dynamic page's metadata after its body: the <title> can land a moment
  // after the content a test waited for. Judge the page once it has one.
  await expect.poll(() => page.title(), { message: `${name} has a title` }).not.toBe("");
  const results = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]).analyze();
  const blocking = results.violations
    .filter((violation) => violation.impact === "serious" || violation.impact === "critical")
    .map((violation) => `${violation.id} (${violation.impact}): ${violation.nodes.map((n) => n.target.join(" ")).join(", ")}`);
  expect(blocking, `accessibility of ${name}`).toEqual([]);
}

export async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

export async function logIn(page: Page, email: string, password: string): Promise<void> {
  await page.goto("/login");
  await page.getByLabel(/^(Email|이메일)/).fill(email);
  await page.getByLabel(/^(Password|비밀번호)/).fill(password);
  await page.getByRole("button", { name: /^(Log in|로그인)$/ }).click();
  await expect(page.getByRole("navigation")).toBeVisible();
}
