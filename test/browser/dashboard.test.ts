import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { REPO_ROOT, sampleDocument } from "../helpers.js";
import { api, body, runCli, type ServerProcess, startServerProcess } from "../processes.js";
import { rememberKey } from "../run-output.js";
import { adminCreate } from "./admin-cli.js";
import { launchBrowser, RUN_BROWSER_TESTS, screenshot } from "./browser.js";

const EMAIL = "admin@example.com";
const PASSWORD = "a password for the browser tests";
const DESKTOP = { width: 1280, height: 800 };
const PHONE = { width: 390, height: 844 };

describe.skipIf(!RUN_BROWSER_TESTS)("dashboard in Chromium", () => {
  let dataDir: string;
  let server: ServerProcess;
  let browser: Browser;
  let context: BrowserContext;
  let serviceKey: string;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), "nftmeta-browser-"));
    const env = { DATA_DIR: dataDir, SIGN_IN_LIMIT: "100" };
    server = await startServerProcess(env);
    const made = await adminCreate(env, EMAIL, PASSWORD);
    expect(made.code, made.stderr).toBe(0);
    const key = await runCli(
      ["keys", "create", "--name", "setup", "--scopes", "metadata:read metadata:write", "--json"],
      env,
    );
    serviceKey = JSON.parse(key.stdout).key;
    browser = await launchBrowser();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });
  afterEach(async () => {
    await context?.close();
  });

  /** A fresh browser profile, signed in through the sign-in page. */
  async function signedIn(viewport = DESKTOP, path = "/admin"): Promise<Page> {
    context = await browser.newContext({ viewport, baseURL: server.base });
    const page = await context.newPage();
    await page.goto(path);
    await page.getByLabel("Email").fill(EMAIL);
    await page.getByLabel("Password").fill(PASSWORD);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("button", { name: "Sign out" }).waitFor();
    return page;
  }

  it("signs in and shows the overview", async () => {
    context = await browser.newContext({ viewport: DESKTOP, baseURL: server.base });
    const page = await context.newPage();
    await page.goto("/admin");
    await page.getByLabel("Email").fill(EMAIL);
    await page.getByLabel("Password").fill("not the right password");
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect.poll(() => page.getByRole("alert").textContent()).toMatch(/invalid/i);
    await screenshot(page, "sign-in-refused");
    await page.getByLabel("Password").fill(PASSWORD);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("heading", { name: "Overview" }).waitFor();
    await page.getByText("Requests per hour").waitFor();
    await screenshot(page, "overview");
  });

  it("creates a key that works against the API, then revokes it so that it fails", async () => {
    const page = await signedIn();
    await context.grantPermissions(["clipboard-read", "clipboard-write"]);
    await page.getByRole("link", { name: "Settings → API Keys" }).click();
    await page.getByLabel("Name").fill("mint site");
    await page.getByLabel("metadata:read").check();
    await page.getByLabel("Requests per hour").fill("500");
    await page.getByRole("button", { name: "Create key" }).click();
    const key = (await page.getByTestId("new-key").textContent()) ?? "";
    rememberKey(key);
    expect(key).toMatch(/^nftm_/);
    await page.getByRole("button", { name: "Copy", exact: true }).click();
    await page.getByRole("button", { name: "Copied" }).waitFor();
    expect(await page.evaluate("navigator.clipboard.readText()")).toBe(key);
    await screenshot(page, "key-created");

    const used = await api(server.base, "/api/metadata", key);
    expect(used.status).toBe(200);
    expect(used.headers.get("x-ratelimit-limit")).toBe("500");

    await page.getByRole("button", { name: "I have stored it" }).click();
    await expect.poll(() => page.getByTestId("new-key").count()).toBe(0);
    page.once("dialog", (dialog) => void dialog.accept());
    await page.getByRole("button", { name: "Revoke mint site" }).click();
    await page.locator("tr", { hasText: "mint site" }).getByText("revoked").waitFor();
    // A revocation reaches the key verifier within a second.
    await expect
      .poll(async () => (await api(server.base, "/api/metadata", key)).status, { timeout: 5000 })
      .toBe(401);
    await screenshot(page, "key-revoked");
  });

  it("uploads an image with progress and shows it in the gallery", async () => {
    const page = await signedIn();
    await page.getByRole("link", { name: "Media" }).click();
    await page
      .getByLabel("Choose files to upload")
      .setInputFiles(join(REPO_ROOT, "test/fixtures/filthy-peasants/images/2.png"));
    await page.getByText("Uploaded 2.png.").waitFor();
    const thumb = page.getByRole("img", { name: "2.png" });
    await thumb.waitFor();
    expect(
      await thumb.evaluate((img) => (img as { naturalWidth: number }).naturalWidth),
    ).toBeGreaterThan(0);
    await page.getByRole("button", { name: "Details of 2.png" }).click();
    await page.getByText("image/png").waitFor();
    await screenshot(page, "media");
  });

  it("edits a token with errors at the field, then restores an earlier version", async () => {
    const created = await api(server.base, "/api/metadata", serviceKey, {
      method: "POST",
      body: JSON.stringify({ document: sampleDocument(7) }),
    });
    const { id } = (await body(created)).data;
    const page = await signedIn(DESKTOP, `/admin/tokens/${id}`);

    await page.getByLabel("Background colour (six hex digits)").fill("#zzz");
    await page.getByRole("button", { name: "Save" }).click();
    const invalid = page.locator("#doc-background_color-error");
    await invalid.waitFor();
    expect(
      await page.getByLabel("Background colour (six hex digits)").getAttribute("aria-invalid"),
    ).toBe("true");
    await screenshot(page, "token-invalid");

    await page.getByLabel("Background colour (six hex digits)").fill("");
    await page.getByLabel("Name").fill("Renamed token");
    await page.getByRole("button", { name: "Save" }).click();
    await page.getByRole("heading", { name: "Renamed token" }).waitFor();

    await page.getByRole("button", { name: /^Version 1 / }).click();
    await page.getByText('-   "name": "Token #7",').waitFor();
    await screenshot(page, "token-history");
    await page.getByRole("button", { name: "Restore version 1" }).click();
    await page.getByRole("heading", { name: "Token #7" }).waitFor();
    const now = await body(await api(server.base, `/api/metadata/${id}`, serviceKey));
    expect(now.data.document.name).toBe("Token #7");
    expect(now.data.version).toBe(3);
    await screenshot(page, "token-restored");
  });

  it("keeps every digit of fields the form does not show when it saves", async () => {
    const supply = (2n ** 256n - 1n).toString();
    const created = await api(server.base, "/api/metadata", serviceKey, {
      method: "POST",
      body: `{"document":{"name":"Big","supply":${supply},"2":"b","1":"a"}}`,
    });
    const { id } = (await body(created)).data;
    const page = await signedIn(DESKTOP, `/admin/tokens/${id}`);
    await page.getByLabel("Name").fill("Big, renamed");
    await page.getByRole("button", { name: "Save" }).click();
    await page.getByRole("heading", { name: "Big, renamed" }).waitFor();
    const raw = await (await api(server.base, `/api/metadata/${id}`, serviceKey)).text();
    expect(raw).toContain(`"document":{"name":"Big, renamed","supply":${supply},"2":"b","1":"a"`);
  });

  it("works at phone width", async () => {
    const page = await signedIn(PHONE, "/admin/settings/keys");
    await page.getByRole("heading", { name: "API Keys" }).waitFor();
    await screenshot(page, "keys-phone");
    // Wide tables scroll inside their own box; the page itself never scrolls sideways.
    const overflow = await page.evaluate("document.documentElement.scrollWidth > innerWidth");
    expect(overflow).toBe(false);
    await page.getByRole("link", { name: "Collections and tokens" }).click();
    await page.getByRole("heading", { name: "Collections and tokens" }).waitFor();
    await screenshot(page, "collections-phone");
  });
});
