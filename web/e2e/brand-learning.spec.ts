import { expect, test } from "@playwright/test";

import { expectAccessible, logIn, screenshot } from "./support";

/** Handed over by tests/web/test_brand_logo.py: an owner whose workspace has a pending brand
 * proposal (learned through the API from a logo and three articles), a finished trend run with
 * two suggestions, an imported-plan pipeline, and an article with a ready video and a
 * scheduled Instagram post carrying it. */
const B = {
  email: process.env.ICOP_E2E_BRAND_EMAIL ?? "",
  password: process.env.ICOP_E2E_BRAND_PASSWORD ?? "",
  pipeline: process.env.ICOP_E2E_BRAND_PIPELINE_NAME ?? "",
  suggestion: process.env.ICOP_E2E_BRAND_SECOND_SUGGESTION ?? "",
  pipelineId: process.env.ICOP_E2E_BRAND_PIPELINE ?? "",
  article: process.env.ICOP_E2E_BRAND_ARTICLE ?? "",
  video: process.env.ICOP_E2E_BRAND_VIDEO ?? "",
  postDay: process.env.ICOP_E2E_BRAND_POST_DAY ?? "",
  cover: process.env.ICOP_E2E_BRAND_COVER ?? "",
};

/** A 160 x 160 PNG (the logo spec's red disc): material for a second learn. */
const LOGO_PNG = Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAAKAAAACgCAYAAACLz2ctAAAC/klEQVR42u3dwVEbQRRFUXUXIaAIUP4RQQSaHGDLAihAM/O6+58bgF0eH97XaGG3i77t9fn5fY9f57ZtzdP8Og9mR2hgAjgsNigLAxwdXWWMDToYAYSuLMYGHogAQlcWYwMPRADBKwuxw+dbAAsIXtk1bOCB6ATDV/bZNg/HGpZfQPjqPvPuQUBY8gSD5yTHFhA+axgDCB+EMYDwQRgDCB+EMYDwQRgDCB+EMYDwQRgDCB+EMYDwQRgDCB+EMYDwQRgDCB+EMYDwQTjcW7B0CkDrZwVjAOHTowY6fEoi9BlQ830GtH7ay0SHT0mETrDmOcHWT3sbsYCaYwGtn46w0uFTEqETrLFPsPXTkStoATXuAlo/Hb2CFlBjfwaUIgCdX51xhp9W+UO+3O/l/mLfrtc1F9D66awV9BlQXkIEoPOryBm2gHKCBaDzq8gZtoByggWg86vIGbaAcoIFoASgigL0AqLUi4gFlBMsACUABaB0LkBvwEq+CVtAOcECUAJQAEoACkAJQAEoASgAJQAFoASgAJQAFIDSYwBv29Y8BiW6bVuzgHKCBaAEoACUzgfoTViJN2ALKCdYAEoAqjhALyI6+wXEAsoJFoAXZ1iJ82sB5QQLwIszrMT5tYByggXgr6ZS2vv8WkDF+3Hp/B8iOnL9LKC8hAjAf02n9Oj5tYAa/wRbQR21fhZQc7yEWEEdsX5/WkAIdYQVJ1jjn2ArqKOMWEDNs4BWUHvb6Gf9RoLPCdb8J9gKak8LPfUbC75dTjCE8EUBSnGAVtD6xRcQQvjiJxhC+OKfASGEL/4SAiF88bdgCOGLAoQQvjhACOGLA4QQvjhACOGLA4QQvjhACOGLA4QQvs/FIfg3CGvCiy6gNYRvGIAQ1n7mw/3FO8m1fti7BwSfBbSGZX+op1gbENe9Jt2DhM8CWsOyP6zTLguIa1yJJU5bVYwrfDRZ6rNVFYgrfSZe9sP9ahhXfREr8XY5K8YKb//lvt4YHWO1r5x8vxZE6ftNAE+BCdr3fQAFrYA8kYsxAwAAAABJRU5ErkJggg==",
  "base64",
);

test.describe.serial("brand learning, trends and video posts", () => {
  test.skip(!B.email, "run by tests/web/test_brand_logo.py");

  test("accept a learned proposal, learn and accept an edited one, compare, roll back", async ({ page }) => {
    await logIn(page, B.email, B.password);
    await page.goto("/brand");
    const proposal = page.getByTestId("brand-proposal");
    await expect(proposal).toHaveCount(1);
    await expect(proposal.getByRole("heading", { name: "Proposed kit: Green Thumbs" })).toBeVisible();
    // The logo's colours as swatches, legible pairs with their grade, fonts and tone.
    await expect(proposal.getByTestId("palette").getByTestId("swatch").first()).toHaveAttribute("data-hex", "#14532d");
    await expect(proposal.getByTestId("contrast-pair").first()).toBeVisible();
    await expect(proposal.getByTestId("contrast-pair").first()).toContainText(":1");
    await expect(proposal.getByTestId("proposal-fonts")).toContainText("Playfair Display");
    await expect(proposal.getByTestId("tone-profile")).toContainText("second person (you)");
    await expect(proposal.getByText("Learned from 1 image, 3 pages, 3 text samples.")).toBeVisible();
    await expect(proposal.getByTestId("kit-diff").locator('tr[data-field="background"]')).toBeVisible();
    await expect(page.getByTestId("versions-empty")).toBeVisible();
    await expectAccessible(page, "/brand with a proposal");
    await screenshot(page, "en-brand-proposal");

    await proposal.getByRole("button", { name: "Accept", exact: true }).click();
    await expect(page.getByTestId("proposals-empty")).toBeVisible();
    const first = page.locator('[data-testid="version-row"][data-number="1"]');
    await expect(first).toHaveAttribute("data-reason", "learned");
    await expect(first).toContainText("Current");

    // Learn again from pasted text and the logo; accept it renamed (an edit over the proposal).
    const learn = page.getByTestId("brand-learn");
    await learn.locator('input[type="file"]').first().setInputFiles({ name: "logo.png", mimeType: "image/png", buffer: LOGO_PNG });
    await learn.getByLabel("Text samples", { exact: true }).fill("We grow our own soil. You can too!\n\nTurn the pile every week, and it's ready by spring.");
    await learn.getByRole("button", { name: "Learn and propose" }).click();
    await expect(page.getByTestId("learn-done")).toBeVisible();
    const second = page.getByTestId("brand-proposal");
    await expect(second).toHaveCount(1);
    await second.getByRole("button", { name: "Edit before accepting" }).click();
    await second.getByLabel("Brand name").fill("Green Thumbs Bold");
    await second.getByLabel("Note (why, for the version history)").fill("Bolder name for spring");
    await second.getByRole("button", { name: "Accept with my edits" }).click();
    const v2 = page.locator('[data-testid="version-row"][data-number="2"]');
    await expect(v2).toContainText("Bolder name for spring");
    await expect(v2).toContainText("Current");

    // Compare 1 with 2: the name changed.
    const versions = page.getByTestId("brand-versions");
    await versions.getByLabel("Compare version").selectOption("1");
    await versions.getByLabel("with version").selectOption("2");
    await versions.getByRole("button", { name: "Compare" }).click();
    await expect(versions.getByTestId("kit-diff").getByRole("caption")).toHaveText("From version 1 to version 2");
    await expect(versions.getByTestId("kit-diff").locator('tr[data-field="name"]')).toContainText("Green Thumbs Bold");

    // Roll back to 1: a new version 3 equal to it.
    await versions.getByRole("button", { name: "Roll back to version 1" }).click();
    await versions.getByRole("button", { name: "Make version 1 current" }).click();
    await expect(page.getByTestId("versions-notice")).toHaveText("Version 1 is current again, as version 3.");
    const v3 = page.locator('[data-testid="version-row"][data-number="3"]');
    await expect(v3).toHaveAttribute("data-reason", "rollback");
    await expect(v3).toContainText("Rolled back to 1");
    await expect(v3).toContainText("Current");
    await expect(versions.getByTestId("kit-diff").locator('tr[data-field="name"]')).toContainText("Green Thumbs");
    await expectAccessible(page, "/brand with versions");
    await screenshot(page, "en-brand-versions");
  });

  test("trends: named trends, promote a suggestion, a second promote refused clearly, run now", async ({ page }) => {
    await logIn(page, B.email, B.password);
    await page.getByRole("navigation").getByRole("link", { name: "Trends" }).click();
    await expect(page).toHaveURL(/\/trends$/);
    await expect(page.getByTestId("trend")).toHaveCount(2);
    const trend = page.getByTestId("trend").first();
    await expect(trend.getByRole("heading", { name: "1. worm bins, compost tea" })).toBeVisible();
    await expect(page.getByTestId("trend").nth(1).getByRole("heading", { name: "2. tomato blight, mulch" })).toBeVisible();
    await expect(trend.getByTestId("trend-items").getByRole("listitem")).toHaveCount(2);
    await expect(trend.getByTestId("trend-score")).toHaveText("Score 2.5");

    const rows = page.getByTestId("suggestion");
    await expect(rows).toHaveCount(2);
    await page.getByRole("button", { name: "Promote “Worm bins turn scraps into soil”" }).click();
    // Its row number is the plan's (an imported plan's rows are numbered as a sheet's are).
    await expect(page.getByTestId("promoted")).toContainText(new RegExp(`Promoted to ${B.pipeline}, row \\d+\\.`));

    // Someone else promotes the other one first: this page's promote is refused (409), and says so.
    // (From this page's own origin: the proxy refuses writes without it.)
    const elsewhere = await page.evaluate(
      async ([id, pipeline]) => {
        const token = document.cookie.split("; ").find((part) => part.startsWith("icop_csrf="))?.slice("icop_csrf=".length) ?? "";
        const response = await fetch(`/api/v1/trends/suggestions/${id}/promote`, {
          method: "POST",
          headers: { "content-type": "application/json", "x-csrf-token": decodeURIComponent(token) },
          body: JSON.stringify({ pipeline_id: pipeline }),
        });
        return response.status;
      },
      [B.suggestion, B.pipelineId],
    );
    expect(elsewhere).toBe(200);
    await page.getByRole("button", { name: "Promote “Compost tea for tomatoes”" }).click();
    const refused = page.getByTestId("promote-error");
    await expect(refused).toHaveAttribute("data-conflict", "true");
    await expect(refused).toContainText("Already done: this suggestion is already promoted");
    await expect(refused).toHaveAttribute("role", "alert");

    // Run now: this server has no workflow engine, and the API's reason is shown.
    await page.getByRole("button", { name: "Run now" }).click();
    await expect(page.getByTestId("run-notice")).toContainText(/Temporal|workflow engine/);
    await expectAccessible(page, "/trends");
    await screenshot(page, "en-trends");
  });

  test("a video post: cover and badge in the calendar, a player in its panel and the composer", async ({ page }) => {
    await logIn(page, B.email, B.password);
    await page.goto(`/calendar?day=${B.postDay}`);
    const chip = page.locator('[data-media="video"]');
    await expect(chip).toHaveCount(1);
    await expect(chip.getByTestId("video-badge")).toHaveText("▶ Video");
    await expect(chip.getByTestId("chip-cover")).toBeVisible();
    await expect(page.locator('[data-media="none"]')).toHaveCount(0);
    await expectAccessible(page, "/calendar with a video post");
    await screenshot(page, "en-calendar-video");

    await chip.click();
    const panel = page.getByTestId("post-panel");
    const player = panel.getByTestId("post-video").locator("video");
    await expect(player).toHaveAttribute("poster", B.cover);
    await expect(player).toHaveAttribute("src", /\.mp4$/);
    await expect(panel.locator("img")).toHaveCount(0);
    await screenshot(page, "en-calendar-video-panel");
    await page.keyboard.press("Escape");

    // The article shows its video; the videos page its segments and a way to publish.
    await page.goto(`/articles/${B.article}`);
    await expect(page.getByTestId("article-videos")).toContainText("Composting at home in 30 seconds");
    await page.getByTestId("article-videos").getByRole("link", { name: "Open the article's videos" }).click();
    const video = page.getByTestId("video");
    await expect(video).toHaveAttribute("data-status", "ready");
    await expect(video.getByTestId("segments").getByRole("listitem")).toHaveCount(3);
    await expect(video.getByTestId("segments")).toContainText("2 attempts");
    await expect(video.getByTestId("video-player")).toBeVisible();
    await expect(video.getByRole("button", { name: "Publish now" })).toBeEnabled();
    await expectAccessible(page, "/videos of an article");
    await screenshot(page, "en-videos");

    // The composer with that video: the preview plays it, not an image crop.
    await video.getByRole("link", { name: "Schedule it in the composer" }).click();
    await expect(page.getByRole("radio", { name: "Video" })).toBeChecked();
    await page.getByRole("checkbox", { name: "Garden Reels (Instagram)" }).check();
    await page.getByLabel(/^Text/).fill("Compost in 30 seconds.");
    const preview = page.getByTestId("preview-instagram");
    await expect(preview.getByTestId("video-instagram")).toBeVisible();
    await expect(preview.getByRole("img")).toHaveCount(0);
    await expect(preview.getByText("Ready to send")).toBeVisible();
    await screenshot(page, "en-composer-video");
  });
});
