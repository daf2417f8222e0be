import { defineConfig } from "@playwright/test";

// Debian's Chromium, never a downloaded browser (none can be downloaded on these machines).
// Playwright starts it headless with a fresh profile; the flags keep it off the network.
export default defineConfig({
  testDir: "./e2e",
  timeout: 90_000,
  expect: { timeout: 15_000 },
  workers: 1,
  fullyParallel: false,
  reporter: [["list"]],
  outputDir: "test-artefacts/playwright",
  use: {
    baseURL: process.env.ICOP_WEB_URL ?? "http://127.0.0.1:3000",
    browserName: "chromium",
    locale: "en-US",
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
    launchOptions: {
      executablePath: process.env.ICOP_CHROMIUM ?? "/usr/bin/chromium",
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    },
  },
});
