import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { minifyJson } from "../src/json/raw-json.js";
import { REPO_ROOT } from "./helpers.js";
import { api, body, runCli, type ServerProcess, startServerProcess } from "./processes.js";

// The published collections beside the repo. They are not part of a clone, so this suite runs
// where they are; in CI they must be there, and their absence fails the run.
const FIXTURES = resolve(
  REPO_ROOT,
  process.env.SHARED_FIXTURES_DIR ?? "../shared/fixtures/collections",
);
const present = existsSync(FIXTURES);

if (!present && process.env.CI) {
  describe("published collections", () => {
    it("finds the shared collections folder", () => {
      expect.fail(`${FIXTURES} is missing; set SHARED_FIXTURES_DIR`);
    });
  });
}

describe.skipIf(!present)("published collections, imported whole", () => {
  const dataDir = mkdtempSync(join(tmpdir(), "nftmeta-shared-"));
  const env = { DATA_DIR: dataDir };
  const reports: Record<
    string,
    { created: number; skipped: { source: string; reason: string }[] }
  > = {};
  let server: ServerProcess;
  let key: string;

  beforeAll(async () => {
    for (const [folder, slug] of [
      ["cryptodads", "dads"],
      ["crypto-poker-cards", "poker"],
      ["filthy-peasants", "peasants"],
    ] as const) {
      const res = await runCli(
        ["import", join(FIXTURES, folder), "--collection", slug, "--public", "--json"],
        env,
      );
      expect(res.code, res.stderr).toBe(0);
      reports[slug] = JSON.parse(res.stdout);
    }
    key = JSON.parse(
      (await runCli(["keys", "create", "--name", "s", "--scopes", "metadata:read", "--json"], env))
        .stdout,
    ).key;
    server = await startServerProcess(env);
  }, 120_000);
  afterAll(async () => {
    await server?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("imports all 10000 CryptoDads, whose files have no extension", () => {
    expect(reports.dads?.created).toBe(10000);
  });

  it("serves CryptoDad 8365 value-for-value, as the file has it", async () => {
    const text = readFileSync(join(FIXTURES, "cryptodads/8365"), "utf8");
    const res = await fetch(`${server.base}/metadata/dads/8365`);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe(minifyJson(text));
  });

  it("keeps the \\u escapes and quoted quotes of CryptoDad 5790 exactly", async () => {
    const text = readFileSync(join(FIXTURES, "cryptodads/5790"), "utf8");
    const res = await api(server.base, "/api/collections/dads/tokens/5790", key);
    expect(await res.text()).toContain(`"document":${minifyJson(text)}`);
  });

  it("reads the poker cards as ERC-1155: token 0 exists and …0010.json is token 16", async () => {
    expect(reports.poker?.created).toBe(55);
    const zero = await api(server.base, "/api/collections/poker/tokens/0", key);
    expect((await body(zero)).data.document.name).toBe("Box");
    const file = readFileSync(
      join(FIXTURES, "crypto-poker-cards", `${"10".padStart(64, "0")}.json`),
      "utf8",
    );
    const sixteen = await fetch(`${server.base}/metadata/poker/${"10".padStart(64, "0")}.json`);
    expect(await sixteen.text()).toBe(minifyJson(file));
    const byDecimal = await api(server.base, "/api/collections/poker/tokens/16", key);
    expect((await body(byDecimal)).data.document).toEqual(JSON.parse(file));
  });

  it("skips filthy-peasants' _metadata.json with its reason and imports the 333 tokens", () => {
    expect(reports.peasants?.created).toBe(333);
    const skip = reports.peasants?.skipped.find((s) => s.source === "_metadata.json");
    expect(skip?.reason).toMatch(/not a token/);
  });

  it("finds tokens by trait across a real collection", async () => {
    const res = await api(
      server.base,
      "/api/metadata?collection=dads&trait=Dad's%20Top%20Pick:True",
      key,
    );
    const found = await body(res);
    expect(found.data.items.map((i: { tokenId: string }) => i.tokenId).sort()).toEqual(
      ["1552", "3428", "4191", "8334", "9123"].sort(),
    );
  });
});
