import { expect, test, type Browser, type Locator, type Page } from "@playwright/test";

import { expectAccessible, logIn, screenshot } from "./support";

/** Handed over by tests/web/test_brand_logo.py: an owner of a workspace with no logo yet, and
 * a viewer of the same workspace. */
const L = {
  email: process.env.ICOP_E2E_LOGO_EMAIL ?? "",
  password: process.env.ICOP_E2E_LOGO_PASSWORD ?? "",
  viewerEmail: process.env.ICOP_E2E_LOGO_VIEWER_EMAIL ?? "",
  viewerPassword: process.env.ICOP_E2E_LOGO_VIEWER_PASSWORD ?? "",
};

/** A 160 x 160 PNG: a red disc with a white square in it, transparent corners. */
const LOGO_PNG = Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAAKAAAACgCAYAAACLz2ctAAAC/klEQVR42u3dwVEbQRRFUXUXIaAIUP4RQQSaHGDLAihAM/O6+58bgF0eH97XaGG3i77t9fn5fY9f57ZtzdP8Og9mR2hgAjgsNigLAxwdXWWMDToYAYSuLMYGHogAQlcWYwMPRADBKwuxw+dbAAsIXtk1bOCB6ATDV/bZNg/HGpZfQPjqPvPuQUBY8gSD5yTHFhA+axgDCB+EMYDwQRgDCB+EMYDwQRgDCB+EMYDwQRgDCB+EMYDwQRgDCB+EMYDwQRgDCB+EMYDwQTjcW7B0CkDrZwVjAOHTowY6fEoi9BlQ830GtH7ay0SHT0mETrDmOcHWT3sbsYCaYwGtn46w0uFTEqETrLFPsPXTkStoATXuAlo/Hb2CFlBjfwaUIgCdX51xhp9W+UO+3O/l/mLfrtc1F9D66awV9BlQXkIEoPOryBm2gHKCBaDzq8gZtoByggWg86vIGbaAcoIFoASgigL0AqLUi4gFlBMsACUABaB0LkBvwEq+CVtAOcECUAJQAEoACkAJQAEoASgAJQAFoASgAJQAFIDSYwBv29Y8BiW6bVuzgHKCBaAEoACUzgfoTViJN2ALKCdYAEoAqjhALyI6+wXEAsoJFoAXZ1iJ82sB5QQLwIszrMT5tYByggXgr6ZS2vv8WkDF+3Hp/B8iOnL9LKC8hAjAf02n9Oj5tYAa/wRbQR21fhZQc7yEWEEdsX5/WkAIdYQVJ1jjn2ArqKOMWEDNs4BWUHvb6Gf9RoLPCdb8J9gKak8LPfUbC75dTjCE8EUBSnGAVtD6xRcQQvjiJxhC+OKfASGEL/4SAiF88bdgCOGLAoQQvjhACOGLA4QQvjhACOGLA4QQvjhACOGLA4QQvs/FIfg3CGvCiy6gNYRvGIAQ1n7mw/3FO8m1fti7BwSfBbSGZX+op1gbENe9Jt2DhM8CWsOyP6zTLguIa1yJJU5bVYwrfDRZ6rNVFYgrfSZe9sP9ahhXfREr8XY5K8YKb//lvt4YHWO1r5x8vxZE6ftNAE+BCdr3fQAFrYA8kYsxAwAAAABJRU5ErkJggg==",
  "base64",
);
const SVG = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><script>alert(1)</script></svg>');

async function korean(browser: Browser): Promise<Page> {
  const context = await browser.newContext({ locale: "ko-KR", baseURL: test.info().project.use.baseURL });
  return context.newPage();
}

async function choose(page: Page, file: { name: string; mimeType: string; buffer: Buffer }): Promise<void> {
  // The brand page has other uploads (knowledge documents): the logo's own input.
  await page.getByTestId("brand-logo").locator('input[type="file"]').setInputFiles(file);
}

/** The share of red pixels where the renderer puts the logo on a portrait card: the safe
 * area's bottom-right corner (icop.images.render: 81-pixel margin, at most 86 pixels high). */
async function redInLogoCorner(card: Locator): Promise<number> {
  return card.evaluate((img: HTMLImageElement) => {
    const canvas = document.createElement("canvas");
    canvas.width = img.naturalWidth;
    canvas.height = img.naturalHeight;
    const context = canvas.getContext("2d");
    if (!context || img.naturalWidth !== 1080) return -1;
    context.drawImage(img, 0, 0);
    const { data } = context.getImageData(999 - 86, 1269 - 86, 86, 86);
    let red = 0;
    for (let index = 0; index < data.length; index += 4) {
      if ((data[index] ?? 0) > 180 && (data[index + 1] ?? 255) < 90 && (data[index + 2] ?? 255) < 90) red += 1;
    }
    return red / (data.length / 4);
  });
}

test.describe.serial("the brand logo", () => {
  test.skip(!L.email, "run by tests/web/test_brand_logo.py");

  test("upload a logo, see it on the sample card, refuse an SVG, remove it", async ({ page }) => {
    await logIn(page, L.email, L.password);
    await page.goto("/brand");
    const section = page.getByTestId("brand-logo");
    await expect(section.getByRole("heading", { name: "Logo" })).toBeVisible();
    await expect(page.getByTestId("logo-none")).toBeVisible();
    const card = page.getByTestId("card-rendered");
    await expect(card).toHaveAttribute("data-logo", "none");
    await expect.poll(() => redInLogoCorner(card)).toBe(0);

    await choose(page, { name: "garden-logo.png", mimeType: "image/png", buffer: LOGO_PNG });
    await page.getByRole("button", { name: "Upload logo" }).click();
    await expect(page.getByTestId("logo-message")).toHaveText("Logo saved. New cards carry it.");
    const logo = page.getByTestId("logo-image");
    await expect(logo).toBeVisible();
    await expect(logo).toHaveAttribute("alt", "The brand's logo");
    await expect.poll(() => logo.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(160);
    await expect(page.getByTestId("logo-details")).toHaveText("160 × 160 pixels, uploaded as PNG");
    // The API's renderer draws it on the sample card.
    await expect(card).not.toHaveAttribute("data-logo", "none");
    await expect.poll(() => redInLogoCorner(card)).toBeGreaterThan(0.3);
    await expectAccessible(page, "/brand with a logo");
    await screenshot(page, "en-brand-logo");

    // Still there after a reload: it is stored, not only shown.
    await page.reload();
    await expect(page.getByTestId("logo-image")).toBeVisible();
    await expect.poll(() => redInLogoCorner(page.getByTestId("card-rendered"))).toBeGreaterThan(0.3);

    // An SVG is refused with the API's reason; the logo stays.
    await choose(page, { name: "logo.svg", mimeType: "image/svg+xml", buffer: SVG });
    await page.getByRole("button", { name: "Replace logo" }).click();
    await expect(page.getByTestId("logo-message")).toContainText("SVG logos are not accepted");
    await expect(page.getByTestId("logo-message")).toHaveAttribute("role", "alert");
    await expect(page.getByTestId("logo-image")).toBeVisible();
    await expectAccessible(page, "/brand refusing an SVG");
    await screenshot(page, "en-brand-logo-refused");

    await page.getByRole("button", { name: "Remove logo" }).click();
    await expect(page.getByTestId("logo-message")).toHaveText("Logo removed. New cards carry the brand's name only.");
    await expect(page.getByTestId("logo-none")).toBeVisible();
    await expect(page.getByTestId("card-rendered")).toHaveAttribute("data-logo", "none");
    await expect.poll(() => redInLogoCorner(page.getByTestId("card-rendered"))).toBe(0);
  });

  test("in Korean: upload and see it on the card", async ({ browser }) => {
    const page = await korean(browser);
    await logIn(page, L.email, L.password);
    await page.goto("/brand");
    await expect(page.getByTestId("brand-logo").getByRole("heading", { name: "로고" })).toBeVisible();
    await expect(page.getByTestId("logo-none")).toContainText("아직 로고가 없습니다");
    await choose(page, { name: "garden-logo.png", mimeType: "image/png", buffer: LOGO_PNG });
    await page.getByRole("button", { name: "로고 올리기" }).click();
    await expect(page.getByTestId("logo-message")).toHaveText("로고를 저장했습니다. 새로 만드는 카드에 들어갑니다.");
    await expect(page.getByTestId("logo-details")).toHaveText("160 × 160픽셀, PNG 형식으로 업로드됨");
    await expect.poll(() => redInLogoCorner(page.getByTestId("card-rendered"))).toBeGreaterThan(0.3);
    await expectAccessible(page, "/brand with a logo, in Korean");
    await screenshot(page, "ko-brand-logo");
    await page.context().close();
  });

  test("a viewer sees the logo and no way to change it", async ({ page }) => {
    await logIn(page, L.viewerEmail, L.viewerPassword);
    await page.goto("/brand");
    await expect(page.getByTestId("logo-image")).toBeVisible();
    await expect(page.getByTestId("brand-logo").locator('input[type="file"]')).toHaveCount(0);
    await expect(page.getByRole("button", { name: "Remove logo" })).toHaveCount(0);
    await expect(page.getByRole("button", { name: /logo/ })).toHaveCount(0);
    // The API refuses anyway.
    const refused = await page.request.delete("/api/v1/brand/logo", {
      headers: { "x-csrf-token": (await page.context().cookies()).find((c) => c.name === "icop_csrf")?.value ?? "" },
    });
    expect(refused.status()).toBe(403);
    await expectAccessible(page, "/brand as a viewer");
  });
});
