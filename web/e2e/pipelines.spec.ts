import { expect, test, type Page } from "@playwright/test";

import { expectAccessible, PASSWORD, screenshot } from "./support";

/** examples/plan.csv, handed over by tests/web/test_account_pipelines.py, whose API has a
 * Temporal dev server (no workers: a started run stays queued). */
const PLAN = process.env.ICOP_E2E_PLAN ?? "";
const owner = { email: `plans-${Date.now()}@example.com`, company: "Plans Workspace" };

async function signUp(page: Page): Promise<void> {
  await page.goto("/signup");
  await page.getByLabel(/^Company or brand name/).fill(owner.company);
  await page.getByLabel(/^Email/).fill(owner.email);
  await page.getByLabel(/^Password/).fill(PASSWORD);
  await page.getByRole("button", { name: "Create workspace" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Home" })).toBeVisible();
}

test.describe.serial("pipelines", () => {
  test.skip(!PLAN, "run by tests/web/test_account_pipelines.py");

  test("upload a plan, preview its rows, save, schedule it and run it now into the live view", async ({ page }) => {
    await signUp(page);
    await page.goto("/pipelines");
    await page.getByRole("link", { name: "New pipeline" }).click();
    await expect(page.getByRole("heading", { level: 1, name: "New pipeline" })).toBeVisible();
    await page.getByLabel("Name").fill("Garden plan");

    // A file that cannot be a plan: the API's reason, nothing saved.
    await page.getByLabel("Plan file").setInputFiles({
      name: "plan.xlsx",
      mimeType: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
      buffer: Buffer.from("not a workbook"),
    });
    await expect(page.getByRole("alert").filter({ hasText: "is not a readable XLSX file" })).toBeVisible();

    // A plan with a bad row: each row's verdict before saving.
    await page.getByLabel("Plan file").setInputFiles({
      name: "bad.csv",
      mimeType: "text/csv",
      buffer: Buffer.from("Topic,Status,Sub-topics,Articles,Notes,Mode\nworm bins,ready,,,,compare\nleaf mould,ready,,,,fast\n"),
    });
    const preview = page.getByTestId("plan-preview");
    await expect(preview.getByText("1 row will run; 1 row has an error.")).toBeVisible();
    await expect(preview.locator('tr[data-state="error"]')).toContainText("unknown mode 'fast'");

    await page.getByLabel("Plan file").setInputFiles(PLAN);
    await expect(preview.getByText("3 rows will run; no row has an error.")).toBeVisible();
    await expect(preview.locator('tr[data-state="ready"]')).toHaveCount(3);
    await expect(preview).toContainText("Home composting for beginners");
    await expect(preview).toContainText("Merge drafts");
    await expectAccessible(page, "/pipelines/new");
    await screenshot(page, "en-pipelines-new");

    await page.getByRole("button", { name: "Save the pipeline" }).click();
    await expect(page.getByRole("heading", { level: 1, name: "Garden plan" })).toBeVisible();
    await expect(page.getByText("Uploaded plan · ContentPlan!A2:H")).toBeVisible();
    const pipelineUrl = page.url();
    // The rows were imported as the preview showed them.
    const imported = await page.evaluate(async (id) => (await fetch(`/api/v1/pipelines/${id}`)).json(), pipelineUrl.split("/").pop());
    expect(imported.column_mapping.mode).toBe("F");

    // The schedule: a readable preview and the next three runs while typing, saved by the API.
    const cron = page.getByLabel("Cron expression");
    await cron.fill("every monday");
    await expect(page.getByTestId("cron-preview")).toContainText("not a cron expression");
    await cron.fill("0 9 * * 1");
    await expect(page.getByTestId("cron-preview")).toContainText("At 09:00, only on Monday (UTC)");
    await expect(page.getByTestId("cron-preview").getByRole("listitem")).toHaveCount(3);
    await expect(page.getByTestId("cron-preview").getByRole("listitem").first()).toContainText(/Mon/);
    await page.getByRole("button", { name: "Save the schedule" }).click();
    await expect(page.getByRole("status").filter({ hasText: "The schedule is saved." })).toBeVisible();
    // The API is the authority: what it refuses is shown as it says it.
    await cron.fill("0 9 * * 1 2027");
    await page.getByRole("button", { name: "Save the schedule" }).click();
    await expect(page.getByRole("alert").filter({ hasText: "is not a cron expression" })).toBeVisible();
    await cron.fill("0 9 * * 1");
    await expectAccessible(page, "/pipelines/[id]");
    await screenshot(page, "en-pipeline");

    await page.goto("/pipelines");
    await expect(page.getByRole("link", { name: "Garden plan" })).toBeVisible();
    await expect(page.getByText("0 9 * * 1")).toBeVisible();
    await screenshot(page, "en-pipelines");

    // Run now: the run starts and its live view opens; the run is listed on the pipeline.
    await page.goto(pipelineUrl);
    await page.getByRole("button", { name: "Run now" }).click();
    await expect(page).toHaveURL(/\/pipelines\/[0-9a-f-]+\/runs\/[0-9a-f-]+$/);
    await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
    await expect(page.getByText(/Run status:/)).toBeVisible();
    await page.goto(pipelineUrl);
    await expect(page.getByRole("table").getByText("Manual")).toBeVisible();
    await page.getByRole("table").getByRole("link").first().click();
    await expect(page).toHaveURL(/\/runs\//);
  });

  test("the pipelines pages in Korean", async ({ browser }) => {
    const context = await browser.newContext({ locale: "ko-KR", baseURL: test.info().project.use.baseURL });
    const page = await context.newPage();
    await page.goto("/login");
    await page.getByLabel(/^이메일/).fill(owner.email);
    await page.getByLabel(/^비밀번호/).fill(PASSWORD);
    await page.getByRole("button", { name: "로그인" }).click();
    await expect(page.getByRole("navigation")).toBeVisible();
    await page.goto("/pipelines");
    await expect(page.getByRole("heading", { level: 1, name: "파이프라인" })).toBeVisible();
    await expect(page.getByRole("link", { name: "새 파이프라인" })).toBeVisible();
    await expectAccessible(page, "/pipelines (ko)");
    await screenshot(page, "ko-pipelines");

    await page.getByRole("link", { name: "Garden plan" }).click();
    await expect(page.getByRole("button", { name: "지금 실행" })).toBeVisible();
    await expect(page.getByTestId("cron-preview")).toContainText("월요일");
    await expect(page.getByTestId("cron-preview")).toContainText("다음 실행");
    await screenshot(page, "ko-pipeline");

    await page.goto("/pipelines/new");
    await page.getByLabel("계획 파일").setInputFiles(PLAN);
    await expect(page.getByTestId("plan-preview")).toContainText("3개 행이 실행되고, 오류가 있는 행은 없습니다.");
    await expectAccessible(page, "/pipelines/new (ko)");
    await screenshot(page, "ko-pipelines-new");
    await context.close();
  });
});
