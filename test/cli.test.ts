import {
  cpSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REPO_ROOT, sampleDocument } from "./helpers.js";
import { api, body, runCli, type ServerProcess, startServerProcess } from "./processes.js";

const SAMPLE = join(REPO_ROOT, "test/fixtures/filthy-peasants");

let dataDir: string;
let env: Record<string, string>;
let server: ServerProcess;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), "nftmeta-cli-"));
  env = { DATA_DIR: dataDir };
  server = await startServerProcess(env);
});
afterAll(async () => {
  await server.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

function tempFolder(): string {
  return mkdtempSync(join(tmpdir(), "nftmeta-folder-"));
}

describe("nftmeta keys", () => {
  it("prints a new key once as one JSON line, and the running server accepts it", async () => {
    const res = await runCli(
      ["keys", "create", "--name", "cli", "--scopes", "metadata:read", "--json"],
      env,
    );
    expect(res.code).toBe(0);
    const lines = res.stdout.trim().split("\n");
    expect(lines).toHaveLength(1);
    const created = JSON.parse(lines[0] ?? "");
    expect(created).toMatchObject({ name: "cli", scopes: ["metadata:read"] });
    expect(created.key).toMatch(/^nftm_[0-9A-Za-z]{38}$/);
    expect((await api(server.base, "/api/metadata", created.key)).status).toBe(200);

    const list = await runCli(["keys", "list"], env);
    expect(list.stdout).toContain(created.id);
    expect(list.stdout).not.toContain(created.key);
    const stored = readdirSync(dataDir).filter((f) => f.endsWith(".sqlite"));
    expect(readFileSync(join(dataDir, stored[0] ?? "")).includes(created.key)).toBe(false);
  });

  it("revokes a key so that the running server refuses it within a second", async () => {
    const created = JSON.parse(
      (
        await runCli(
          ["keys", "create", "--name", "gone", "--scopes", "metadata:read", "--json"],
          env,
        )
      ).stdout,
    );
    expect((await api(server.base, "/api/metadata", created.key)).status).toBe(200);
    const revoked = await runCli(["keys", "revoke", created.id], env);
    expect(revoked.code).toBe(0);
    await new Promise((r) => setTimeout(r, 1000));
    expect((await api(server.base, "/api/metadata", created.key)).status).toBe(401);
  });

  it("sets a rate limit and an expiry", async () => {
    const res = await runCli(
      [
        "keys",
        "create",
        "--name",
        "l",
        "--scopes",
        "metadata:read",
        "--rate-limit",
        "5",
        "--expires-in",
        "30d",
        "--json",
      ],
      env,
    );
    const created = JSON.parse(res.stdout);
    expect(created.rateLimit).toBe(5);
    const days = (Date.parse(created.expiresAt) - Date.now()) / 86_400_000;
    expect(Math.round(days)).toBe(30);
    const answer = await api(server.base, "/api/metadata", created.key);
    expect(answer.headers.get("x-ratelimit-limit")).toBe("5");
  });

  it.each([
    [["--scopes", "metadata:read everything"], /unknown scope: everything/],
    [["--scopes", "metadata:read", "--rate-limit", "0"], /whole number/],
    [["--scopes", "metadata:read", "--expires-in", "soon"], /duration/],
  ])("refuses bad options %j with a message", async (args, message) => {
    const res = await runCli(["keys", "create", "--name", "bad", ...args], env);
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(message);
  });
});

describe("nftmeta keys update, rotate and audit", () => {
  it("rotates with a grace period and logs the change; the old key works until then", async () => {
    const created = JSON.parse(
      (
        await runCli(
          ["keys", "create", "--name", "rot", "--scopes", "metadata:read", "--json"],
          env,
        )
      ).stdout,
    );
    const rotated = await runCli(["keys", "rotate", created.id, "--grace", "1h", "--json"], env);
    expect(rotated.code).toBe(0);
    const fresh = JSON.parse(rotated.stdout);
    expect(fresh.rotatedFrom).toBe(created.id);
    expect(Date.parse(fresh.previous.expiresAt) - Date.now()).toBeGreaterThan(3_500_000);
    await new Promise((r) => setTimeout(r, 1000));
    expect((await api(server.base, "/api/metadata", created.key)).status).toBe(200);
    expect((await api(server.base, "/api/metadata", fresh.key)).status).toBe(200);

    const now = await runCli(["keys", "rotate", fresh.id, "--grace", "0", "--json"], env);
    await new Promise((r) => setTimeout(r, 1000));
    expect((await api(server.base, "/api/metadata", fresh.key)).status).toBe(401);
    expect((await api(server.base, "/api/metadata", JSON.parse(now.stdout).key)).status).toBe(200);

    const tail = await runCli(["audit", "tail", "-n", "50"], env);
    expect(tail.stdout).toContain(`key.rotated ${created.id}`);
    expect(tail.stdout).not.toContain(created.key);
  });

  it("disables and re-enables a key, and limits it to addresses", async () => {
    const created = JSON.parse(
      (
        await runCli(
          ["keys", "create", "--name", "upd", "--scopes", "metadata:read", "--json"],
          env,
        )
      ).stdout,
    );
    expect((await runCli(["keys", "update", created.id, "--disable"], env)).code).toBe(0);
    await new Promise((r) => setTimeout(r, 1000));
    expect((await api(server.base, "/api/metadata", created.key)).status).toBe(401);
    await runCli(["keys", "update", created.id, "--enable", "--ip-allow", "10.9.0.0/16"], env);
    await new Promise((r) => setTimeout(r, 1000));
    expect((await api(server.base, "/api/metadata", created.key)).status).toBe(401);
    await runCli(["keys", "update", created.id, "--ip-allow", "127.0.0.1,::1"], env);
    await new Promise((r) => setTimeout(r, 1000));
    expect((await api(server.base, "/api/metadata", created.key)).status).toBe(200);
    const bad = await runCli(["keys", "update", created.id, "--ip-allow", "300.1.1.1"], env);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/not an address or CIDR block/);
  });

  it("exports the activity log as CSV since a time", async () => {
    const res = await runCli(["audit", "export", "--since", "1h", "--format", "csv"], env);
    expect(res.code).toBe(0);
    const lines = res.stdout.trim().split("\r\n");
    expect(lines[0]).toMatch(/^"id","time"/);
    expect(lines.length).toBeGreaterThan(5);
    const bad = await runCli(["audit", "export", "--since", "yesterday-ish"], env);
    expect(bad.code).toBe(1);
  });
});

describe("nftmeta import", () => {
  let key: string;

  beforeAll(async () => {
    const res = await runCli(
      ["keys", "create", "--name", "reader", "--scopes", "metadata:read", "--json"],
      env,
    );
    key = JSON.parse(res.stdout).key;
  });

  it("imports a generated folder, reports what it skipped and why, and is idempotent", async () => {
    const folder = tempFolder();
    cpSync(SAMPLE, folder, { recursive: true });
    const docs = [1, 2, 3].map((n) => JSON.parse(readFileSync(join(SAMPLE, `${n}.json`), "utf8")));
    writeFileSync(join(folder, "_metadata.json"), JSON.stringify(docs));
    mkdirSync(join(folder, "images"), { recursive: true });

    const first = await runCli(
      ["import", folder, "--collection", "peasants", "--public", "--json"],
      env,
    );
    expect(first.code).toBe(0);
    const report = JSON.parse(first.stdout);
    expect(report).toMatchObject({ created: 12, updated: 0, unchanged: 0 });
    const reasons = Object.fromEntries(
      report.skipped.map((s: { source: string; reason: string }) => [s.source, s.reason]),
    );
    expect(Object.keys(reasons).sort()).toEqual(["NOTICE.txt", "_metadata.json", "images"]);
    expect(reasons["_metadata.json"]).toMatch(/not a token/);

    const doc = readFileSync(join(folder, "5.json"), "utf8");
    const served = await fetch(`${server.base}/metadata/peasants/5.json`);
    expect(await body(served)).toEqual(JSON.parse(doc));

    writeFileSync(join(folder, "5.json"), JSON.stringify({ ...JSON.parse(doc), name: "Renamed" }));
    const second = JSON.parse(
      (await runCli(["import", folder, "--collection", "peasants", "--json"], env)).stdout,
    );
    expect(second).toMatchObject({ created: 0, updated: 1, unchanged: 11 });
    const token = await api(server.base, "/api/collections/peasants/tokens/5", key);
    const record = (await body(token)).data;
    expect(record).toMatchObject({ version: 2, document: { name: "Renamed" } });
    const history = await api(server.base, `/api/metadata/${record.id}/versions`, key);
    expect((await body(history)).data.total).toBe(2);
    rmSync(folder, { recursive: true });
  });

  it("exits 1 with --strict when something was skipped, and when nothing was imported", async () => {
    const strict = await runCli(["import", SAMPLE, "--collection", "strict", "--strict"], env);
    expect(strict.code).toBe(1);
    expect(strict.stdout).toMatch(/12 created/);
    const empty = tempFolder();
    const none = await runCli(["import", empty, "--collection", "empty"], env);
    expect(none.code).toBe(1);
    const missing = await runCli(["import", join(empty, "nope"), "--collection", "empty"], env);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/cannot read/);
  });

  it("reads names of 64 hex digits as ERC-1155 ids, so …0010.json is token 16", async () => {
    const folder = tempFolder();
    for (const n of [0, 10, 16]) {
      const name = `${n.toString(16).padStart(64, "0")}.json`;
      writeFileSync(join(folder, name), JSON.stringify(sampleDocument(n)));
    }
    const res = JSON.parse(
      (await runCli(["import", folder, "--collection", "cards", "--public", "--json"], env)).stdout,
    );
    expect(res.created).toBe(3);
    const collection = await api(server.base, "/api/collections/cards", key);
    expect((await body(collection)).data.standard).toBe("erc1155");
    const token = await api(server.base, "/api/collections/cards/tokens/16", key);
    expect((await body(token)).data.document.name).toBe("Token #16");
    const hex = (16).toString(16).padStart(64, "0");
    expect((await body(await fetch(`${server.base}/metadata/cards/${hex}.json`))).name).toBe(
      "Token #16",
    );
    rmSync(folder, { recursive: true });
  });

  it("skips documents that break the standard and imports the rest", async () => {
    const folder = tempFolder();
    writeFileSync(join(folder, "1.json"), JSON.stringify(sampleDocument(1)));
    writeFileSync(join(folder, "2.json"), JSON.stringify({ image: "javascript:alert(1)" }));
    writeFileSync(join(folder, "3.json"), "{ not json");
    const res = await runCli(["import", folder, "--collection", "mixed"], env);
    expect(res.code).toBe(0);
    expect(res.stdout).toMatch(/1 created/);
    expect(res.stdout).toMatch(/skipped 2\.json: .*document\.image/);
    expect(res.stdout).toMatch(/skipped 3\.json: not valid JSON/);
    rmSync(folder, { recursive: true });
  });
});

describe("nftmeta export", () => {
  it("writes every token file and contract.json", async () => {
    const out = tempFolder();
    const res = await runCli(["export", "peasants", "--out", out], env);
    expect(res.code).toBe(0);
    expect(readdirSync(out)).toHaveLength(13);
    const original = JSON.parse(readFileSync(join(SAMPLE, "7.json"), "utf8"));
    expect(JSON.parse(readFileSync(join(out, "7.json"), "utf8"))).toEqual(original);
    expect(JSON.parse(readFileSync(join(out, "contract.json"), "utf8"))).toEqual({
      name: "peasants",
    });
    rmSync(out, { recursive: true });
  });
});

describe("configuration", () => {
  it.each([
    [{ PORT: "eighty" }, /PORT: must be a port number/],
    [{ DATABASE_URL: "mysql://x" }, /DATABASE_URL/],
    [{ RATE_LIMIT_PER_HOUR: "0" }, /RATE_LIMIT_PER_HOUR: must be at least 1/],
    [{ LOG_LEVEL: "loud" }, /LOG_LEVEL/],
    [{ WORKERS: "2" }, /WORKERS: 2 workers need REDIS_URL/],
    [{ HOST: "999.1.1.1" }, /HOST: must be an IP address or a host name/],
    [{ TRUST_PROXY: "maybe" }, /TRUST_PROXY/],
    [{ REDIS_URL: "redis://127.0.0.1:1" }, /REDIS_URL: Redis does not answer/],
  ])("stops with the variable named for %j", async (bad, message) => {
    const res = await runCli(["check"], { ...env, ...bad });
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(message);
  });

  it("creates nothing when the SQLite file is not there yet", async () => {
    const folder = tempFolder();
    const res = await runCli(["check"], { DATA_DIR: join(folder, "later") });
    expect(res.code).toBe(0);
    expect(res.stdout).toMatch(/will be created at start/);
    expect(readdirSync(folder)).toEqual([]);
    rmSync(folder, { recursive: true });
  });

  it("says a good configuration is good", async () => {
    const res = await runCli(["check"], env);
    expect(res.code).toBe(0);
    expect(res.stdout).toMatch(/configuration is valid/);
  });
});
