import { expect, test, type APIRequestContext, type Browser, type Page } from "@playwright/test";

import { expectAccessible, logIn, screenshot } from "./support";

/** Handed over by tests/web/test_editor.py: an owner whose workspace has an article with an
 * image that is a design (made with POST /designs {image_id}), and a viewer of the workspace. */
const E = {
  email: process.env.ICOP_E2E_EDITOR_EMAIL ?? "",
  password: process.env.ICOP_E2E_EDITOR_PASSWORD ?? "",
  viewerEmail: process.env.ICOP_E2E_EDITOR_VIEWER_EMAIL ?? "",
  viewerPassword: process.env.ICOP_E2E_EDITOR_VIEWER_PASSWORD ?? "",
  articleId: process.env.ICOP_E2E_EDITOR_ARTICLE ?? "",
  designId: process.env.ICOP_E2E_EDITOR_DESIGN ?? "",
};

type Thing = { id: string; type: string; role?: string | null; left: number; top: number; width: number; height: number; scaleX: number; scaleY: number; fontSize?: number; fill?: string };
type Stored = { head: number; can_undo: boolean; published_url: string | null; published_version: number | null; document: { objects: Thing[] } };

async function stored(request: APIRequestContext): Promise<Stored> {
  const response = await request.get(`/api/v1/designs/${E.designId}`);
  expect(response.ok()).toBe(true);
  return (await response.json()) as Stored;
}

function title(design: Stored): Thing {
  const found = design.document.objects.find((thing) => thing.role === "title") ?? design.document.objects.find((thing) => thing.type === "Textbox");
  if (!found) throw new Error("the design has no text to command");
  return found;
}

async function head(page: Page): Promise<number> {
  return Number(await page.getByTestId("editor-head").getAttribute("data-head"));
}

async function openEditor(page: Page): Promise<void> {
  await page.goto(`/designs/${E.designId}`);
  await expect(page.getByTestId("design-canvas")).toHaveAttribute("data-ready", "true");
  await expect(page.locator("[data-testid=design-canvas] canvas").first()).toBeVisible();
}

async function command(page: Page, text: string): Promise<void> {
  const before = await head(page);
  await page.getByRole("textbox", { name: /Say what to change|바꿀 내용을 입력하세요/ }).fill(text);
  await page.getByRole("button", { name: /^(Apply|적용)$/ }).click();
  await expect(page.getByTestId("command-description")).toBeVisible();
  await expect.poll(() => head(page)).toBe(before + 1);
}

async function korean(browser: Browser): Promise<Page> {
  const context = await browser.newContext({ locale: "ko-KR", baseURL: test.info().project.use.baseURL });
  return context.newPage();
}

test.describe.serial("the image editor", () => {
  test.skip(!E.email, "run by tests/web/test_editor.py");

  test("a card opens from the article; commands, undo, redo, a drag and publishing", async ({ page }) => {
    await logIn(page, E.email, E.password);
    // The entry from the article review: its image, "Edit image".
    await page.goto(`/articles/${E.articleId}`);
    await page.getByRole("link", { name: /^Edit image 1$/ }).click();
    await expect(page).toHaveURL(new RegExp(`/designs/${E.designId}$`));
    await expect(page.getByTestId("design-canvas")).toHaveAttribute("data-ready", "true");
    const canvas = page.locator("[data-testid=design-canvas] canvas").first();
    const first = await stored(page.request);

    // An English command: the title grows and turns yellow, one new version, the canvas redrawn.
    const pixelsBefore = await canvas.screenshot();
    await command(page, "make the title bigger and yellow");
    const bigger = await stored(page.request);
    expect(bigger.head).toBe(first.head + 1);
    expect(title(bigger).fontSize ?? 0).toBeGreaterThan(title(first).fontSize ?? 0);
    expect(title(bigger).fill).not.toBe(title(first).fill);
    await expect.poll(async () => Buffer.compare(await canvas.screenshot(), pixelsBefore) !== 0).toBe(true);

    // A Korean one in the same page.
    await command(page, "제목을 더 크게");
    const korean_ = await stored(page.request);
    expect(title(korean_).fontSize ?? 0).toBeGreaterThan(title(bigger).fontSize ?? 0);

    // Undo with the button, redo with the keyboard, undo again with Ctrl-Z and redo with Ctrl-Y.
    await page.getByRole("button", { name: /^Undo$/ }).click();
    await expect.poll(async () => title(await stored(page.request)).fontSize).toBe(title(bigger).fontSize);
    await page.locator("body").press("Control+Shift+Z");
    await expect.poll(async () => title(await stored(page.request)).fontSize).toBe(title(korean_).fontSize);
    await page.locator("body").press("Control+z");
    await expect.poll(async () => title(await stored(page.request)).fontSize).toBe(title(bigger).fontSize);
    await page.locator("body").press("Control+y");
    await expect.poll(async () => title(await stored(page.request)).fontSize).toBe(title(korean_).fontSize);

    // Drag the title by (60, 40) screen pixels: a move to where it was let go, stored.
    const zoom = Number(await page.getByTestId("design-canvas").getAttribute("data-zoom"));
    const beforeDrag = await stored(page.request);
    const thing = title(beforeDrag);
    const box = await canvas.boundingBox();
    if (!box) throw new Error("the canvas has no box");
    const x = box.x + (thing.left + 10) * zoom;
    const y = box.y + (thing.top + 10) * zoom;
    await page.mouse.move(x, y);
    await page.mouse.down();
    for (let step = 1; step <= 6; step++) await page.mouse.move(x + step * 10, y + step * (40 / 6));
    await page.mouse.up();
    await expect.poll(async () => (await stored(page.request)).head).toBe(beforeDrag.head + 1);
    const dragged = title(await stored(page.request));
    expect(Math.abs(dragged.left - (thing.left + 60 / zoom))).toBeLessThan(3 / zoom + 1);
    expect(Math.abs(dragged.top - (thing.top + 40 / zoom))).toBeLessThan(3 / zoom + 1);
    const versions = (await (await page.request.get(`/api/v1/designs/${E.designId}/versions`)).json()) as { number: number; is_head: boolean; actions_count: number }[];
    const newest = versions.find((version) => version.is_head);
    expect(newest?.actions_count).toBeGreaterThanOrEqual(1);
    await expect(page.getByTestId("design-versions").locator(`[data-version="${beforeDrag.head + 1}"] img`)).toBeVisible();

    await expectAccessible(page, "the image editor");
    await screenshot(page, "en-editor");

    // Publish: the head's JPEG becomes the article's image.
    await page.getByRole("button", { name: /^Publish this image$/ }).click();
    await expect(page.getByTestId("editor-published")).toBeVisible();
    const published = await stored(page.request);
    expect(published.published_version).toBe(published.head);
    expect(published.published_url).toBeTruthy();
    const article = (await (await page.request.get(`/api/v1/articles/${E.articleId}`)).json()) as { images: { url: string }[] };
    // Both are signed links to the same object, signed at different times: compare the object.
    const object = (url: string | null) => (url ?? "").split("?")[0];
    expect(article.images.map((image) => object(image.url))).toContain(object(published.published_url));
  });

  test("a change made elsewhere meanwhile is refused and the design reloaded", async ({ page }) => {
    await logIn(page, E.email, E.password);
    await openEditor(page);
    const before = await stored(page.request);
    // Another tab moves the title through the API.
    const moved = await page.request.post(`/api/v1/designs/${E.designId}/actions`, {
      headers: { "x-csrf-token": (await page.context().cookies()).find((c) => c.name === "icop_csrf")?.value ?? "", origin: new URL(page.url()).origin },
      data: { expected_head: before.head, actions: [{ kind: "move", targets: [title(before).id], x: 5, y: 5, relative: true }] },
    });
    expect(moved.ok()).toBe(true);
    // This page still holds the old head: its command is refused, never merged.
    await page.getByRole("textbox", { name: /Say what to change/ }).fill("make the title bigger");
    await page.getByRole("button", { name: /^Apply$/ }).click();
    await expect(page.getByTestId("editor-conflict")).toBeVisible();
    await expect.poll(() => head(page)).toBe(before.head + 1);
  });

  test("in Korean", async ({ browser }) => {
    const page = await korean(browser);
    await logIn(page, E.email, E.password);
    await openEditor(page);
    await expect(page.getByRole("heading", { name: "이미지 편집기" })).toBeVisible();
    await command(page, "제목을 더 작게");
    await expect(page.getByTestId("command-description")).toContainText("변경됨");
    await expectAccessible(page, "the image editor in Korean");
    await screenshot(page, "ko-editor");
    await page.context().close();
  });

  test("a viewer sees the canvas read-only and no write controls", async ({ page }) => {
    await logIn(page, E.viewerEmail, E.viewerPassword);
    await openEditor(page);
    await expect(page.getByTestId("editor-read-only")).toBeVisible();
    await expect(page.getByRole("button", { name: /^Undo$/ })).toHaveCount(0);
    await expect(page.getByRole("button", { name: /^Publish this image$/ })).toHaveCount(0);
    await expect(page.getByRole("textbox", { name: /Say what to change/ })).toHaveCount(0);
    const before = await stored(page.request);
    // A drag moves nothing: the objects are not even selectable.
    const box = await page.locator("[data-testid=design-canvas] canvas").first().boundingBox();
    if (!box) throw new Error("the canvas has no box");
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width / 2 + 50, box.y + box.height / 2 + 50, { steps: 5 });
    await page.mouse.up();
    expect((await stored(page.request)).head).toBe(before.head);
    await expectAccessible(page, "the image editor, read-only");
  });
});
