import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { type Browser, chromium, type Page } from "playwright-core";
import { OUTPUT_DIR } from "../run-output.js";

export const CHROMIUM = "/usr/bin/chromium";
export const SCREENSHOT_DIR = join(OUTPUT_DIR, "screenshots");

/**
 * Whether the browser suite runs: always in CI, where a missing Chromium must fail the run
 * rather than pass it silently; locally only when Debian's Chromium is installed.
 */
export const RUN_BROWSER_TESTS = Boolean(process.env.CI) || existsSync(CHROMIUM);

export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium (.ci/run does)`);
  }
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
    ],
  });
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const path = join(SCREENSHOT_DIR, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}
