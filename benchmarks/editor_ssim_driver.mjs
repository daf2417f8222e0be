// The browser half of benchmarks/editor_ssim.py: Fabric.js 6 (web/'s own install, the package the
// editor page loads) drawing each test design in Debian's Chromium through web/'s Playwright.
//
//   node benchmarks/editor_ssim_driver.mjs JOB.json
//
// JOB.json (written by the Python half):
//   {"fabric": path of fabric's browser bundle,
//    "fonts": [{"family": alias, "path": font file}],   the files Pillow draws each textbox with
//    "images": [path, ...],                               served as /images/<index>
//    "designs": [{"name": …, "document": Fabric JSON}],  image srcs already /images/<index>
//    "out": folder}
// For each design it writes OUT/<name>.browser.png: the canvas at 1:1 (no retina scaling), the
// pixels Fabric drew, and prints one JSON line {"name":…, "ms":…} per design.

import { readFile, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { join } from "node:path";

const WEB = process.env.ICOP_WEB_DIR;
const require = createRequire(join(WEB, "package.json"));
const { chromium } = require("@playwright/test");

const job = JSON.parse(await readFile(process.argv[2], "utf8"));
// A made-up origin the page is served from by request interception: nothing leaves the machine,
// and fonts and pictures load as they would from a server (CORS-clean, so the canvas stays
// readable).
const ORIGIN = "http://fidelity.icop.invalid";
const faces = job.fonts
  .map(
    (font, index) =>
      `@font-face { font-family: "${font.family}"; src: url("/fonts/${index}"); font-weight: 100 900; font-style: normal; }`,
  )
  .join("\n");
const html = `<!doctype html><html><head><meta charset="utf-8"><style>${faces}
html, body { margin: 0; padding: 0; background: #fff; }</style>
<script src="/fabric.js"></script></head><body></body></html>`;

const browser = await chromium.launch({
  executablePath: process.env.ICOP_CHROMIUM ?? "/usr/bin/chromium",
  // The e2e suite's flags (web/playwright.config.ts): headless, off the network.
  args: [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--font-render-hinting=none",
  ],
});
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 1400 }, deviceScaleFactor: 1 });
  page.on("pageerror", (error) => process.stderr.write(`page error: ${error.message}\n`));
  await page.route(`${ORIGIN}/**`, async (route) => {
    const path = new URL(route.request().url()).pathname;
    const font = /^\/fonts\/(\d+)$/.exec(path);
    const image = /^\/images\/(\d+)$/.exec(path);
    if (path === "/") return route.fulfill({ contentType: "text/html; charset=utf-8", body: html });
    if (path === "/fabric.js") return route.fulfill({ contentType: "text/javascript", path: job.fabric });
    if (font && job.fonts[Number(font[1])]) return route.fulfill({ contentType: "font/ttf", path: job.fonts[Number(font[1])].path });
    if (image && job.images[Number(image[1])]) return route.fulfill({ contentType: "image/png", path: job.images[Number(image[1])] });
    return route.fulfill({ status: 404, body: "" });
  });
  await page.goto(`${ORIGIN}/`);
  // Every face loaded before Fabric measures a character (it caches widths per family).
  await page.evaluate(async (families) => {
    await Promise.all(families.map((family) => document.fonts.load(`40px "${family}"`, "Aa가")));
  }, job.fonts.map((font) => font.family));
  for (const design of job.designs) {
    const started = Date.now();
    const dataUrl = await page.evaluate(async (document_) => {
      const element = document.createElement("canvas");
      document.body.replaceChildren(element);
      const canvas = new fabric.StaticCanvas(element, {
        width: document_.width,
        height: document_.height,
        enableRetinaScaling: false,
        renderOnAddRemove: false,
      });
      await canvas.loadFromJSON(document_);
      canvas.renderAll();
      const url = canvas.toDataURL({ format: "png", multiplier: 1 });
      canvas.dispose();
      return url;
    }, design.document);
    await writeFile(join(job.out, `${design.name}.browser.png`), Buffer.from(dataUrl.split(",")[1], "base64"));
    process.stdout.write(JSON.stringify({ name: design.name, ms: Date.now() - started }) + "\n");
  }
} finally {
  await browser.close();
}
