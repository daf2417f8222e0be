// The browser half of benchmarks/dashboard.py: Playwright (web/'s own install, the same
// package the e2e suite runs) driving Debian's Chromium. It reads one JSON command per line on
// stdin and answers each with one JSON line on stdout, so the Python half can commit run events
// between "arm" and "seen" and keep the timeline on one wall clock (Date.now() and time.time()
// read the same system clock).
//
//   {"cmd":"login","email":…,"password":…}        log the benchmark's context in
//   {"cmd":"measure","path":…,"auth":true,"runs":5,"warmup":1,"settle_ms":1500}
//        a cold load (cache off) recording every script the page loads (URLs and bytes), then
//        `warmup` + `runs` warm loads (cache on) each reporting Largest Contentful Paint
//   {"cmd":"live","path":…,"article":…}           open the live run view, wait until it is live
//   {"cmd":"arm","label":…}                       watch the article's row for `label`
//   {"cmd":"seen","timeout_ms":…}                 when (Date.now()) the label was painted
//   {"cmd":"quit"}

import { createRequire } from "node:module";
import { join } from "node:path";
import { createInterface } from "node:readline";

const WEB = process.env.ICOP_WEB_DIR;
const require = createRequire(join(WEB, "package.json"));
const { chromium } = require("@playwright/test");

const BASE = process.env.ICOP_WEB_URL;
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
  ],
});
const options = { baseURL: BASE, locale: "en-US", viewport: { width: 1280, height: 800 } };
const authed = await browser.newContext(options);
let live = null;

function answer(value) {
  process.stdout.write(JSON.stringify(value) + "\n");
}

// The last LCP entry of the current document, read once the page has settled.
const LCP = (settleMs) =>
  new Promise((resolve) => {
    let last = null;
    const observer = new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) last = entry;
    });
    observer.observe({ type: "largest-contentful-paint", buffered: true });
    setTimeout(() => {
      observer.disconnect();
      const element = last?.element;
      resolve(
        last === null
          ? null
          : {
              ms: last.startTime,
              element: element ? `${element.tagName.toLowerCase()}${element.id ? "#" + element.id : ""}` : "",
            },
      );
    }, settleMs);
  });

async function load(page, path) {
  const response = await page.goto(path, { waitUntil: "load" });
  const status = response?.status() ?? 0;
  const landed = new URL(page.url()).pathname;
  if (status >= 400) throw new Error(`${path} answered ${status}`);
  return landed;
}

async function measure({ path, auth, runs, warmup, settle_ms: settleMs }) {
  const context = auth ? authed : await browser.newContext(options);
  const page = await context.newPage();
  try {
    // Cold: the browser cache off, so every script the route needs comes over the wire.
    const cdp = await context.newCDPSession(page);
    await cdp.send("Network.enable");
    await cdp.send("Network.setCacheDisabled", { cacheDisabled: true });
    const scripts = new Map();
    page.on("response", async (response) => {
      const url = new URL(response.url());
      if (url.origin !== new URL(BASE).origin) return;
      if (response.request().resourceType() !== "script" && !url.pathname.endsWith(".js")) return;
      scripts.set(url.pathname + url.search, null);
    });
    const landed = await load(page, path);
    // What the page needed to show itself (loaded by its load event), apart from what it
    // imports after that (the run graph's Mermaid).
    const firstLoad = [...scripts.keys()];
    if (auth && landed !== path && (landed === "/login" || landed.startsWith("/bff/"))) {
      throw new Error(`${path} sent the signed-in browser to ${landed}`);
    }
    await page.waitForTimeout(settleMs); // chunks imported after hydration (a graph's mermaid)
    await cdp.send("Network.setCacheDisabled", { cacheDisabled: false });
    await cdp.detach();
    page.removeAllListeners("response");
    // Warm: server and browser cache primed.
    const lcp = [];
    const elements = new Set();
    for (let index = 0; index < warmup + runs; index += 1) {
      await load(page, path);
      const entry = await page.evaluate(LCP, 300);
      if (index < warmup) continue;
      lcp.push(entry === null ? null : entry.ms);
      if (entry?.element) elements.add(entry.element);
    }
    return {
      path,
      landed,
      scripts: firstLoad,
      later: [...scripts.keys()].filter((script) => !firstLoad.includes(script)),
      lcp_ms: lcp,
      lcp_elements: [...elements],
    };
  } finally {
    await page.close();
    if (!auth) await context.close();
  }
}

async function openLive({ path, article }) {
  const page = await authed.newPage();
  await load(page, path);
  await page.locator('[data-testid="live-connection"][data-state="live"]').waitFor({ timeout: 30_000 });
  await page.locator(`[data-article="${article}"]`).waitFor({ timeout: 30_000 });
  // Arm → the article's row shows the label → the next frame → Date.now().
  await page.evaluate((articleId) => {
    window.__bench = { label: null, seenAt: null, pending: false };
    const check = () => {
      const state = window.__bench;
      if (state.label === null || state.seenAt !== null || state.pending) return;
      const row = document.querySelector(`[data-article="${articleId}"]`);
      if (row?.textContent?.includes(state.label)) {
        state.pending = true;
        requestAnimationFrame(() => {
          state.seenAt = Date.now();
          state.pending = false;
        });
      }
    };
    new MutationObserver(check).observe(document.body, { subtree: true, childList: true, characterData: true });
    window.__benchCheck = check;
  }, article);
  live = page;
  return { live: true };
}

async function handle(command) {
  switch (command.cmd) {
    case "login": {
      const page = await authed.newPage();
      await page.goto("/login");
      await page.getByLabel(/^Email/).fill(command.email);
      await page.getByLabel(/^Password/).fill(command.password);
      await page.getByRole("button", { name: /^Log in$/ }).click();
      await page.getByRole("navigation").first().waitFor({ timeout: 30_000 });
      await page.close();
      return { logged_in: true };
    }
    case "measure":
      return await measure(command);
    case "live":
      return await openLive(command);
    case "arm":
      await live.evaluate((label) => {
        Object.assign(window.__bench, { label, seenAt: null, pending: false });
        window.__benchCheck();
      }, command.label);
      return { armed: command.label };
    case "seen": {
      const handle = await live.waitForFunction(() => window.__bench.seenAt, null, {
        timeout: command.timeout_ms ?? 10_000,
        polling: 20,
      });
      return { seen_at: await handle.jsonValue() };
    }
    case "quit":
      return { bye: true };
    default:
      throw new Error(`unknown command ${command.cmd}`);
  }
}

const lines = createInterface({ input: process.stdin });
for await (const line of lines) {
  if (!line.trim()) continue;
  const command = JSON.parse(line);
  try {
    answer(await handle(command));
  } catch (error) {
    answer({ error: String(error?.message ?? error).split("\n")[0] });
  }
  if (command.cmd === "quit") break;
}
await browser.close();
