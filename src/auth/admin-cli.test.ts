import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { adminCreate } from "../../test/browser/admin-cli.js";
import { body, type ServerProcess, startServerProcess } from "../../test/processes.js";
import { rememberKey } from "../../test/run-output.js";

const PASSWORD = "a long enough password";

describe("nftmeta admin create", () => {
  let dataDir: string;
  let env: Record<string, string>;
  let server: ServerProcess;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), "nftmeta-admin-"));
    env = { DATA_DIR: dataDir };
    server = await startServerProcess(env);
  });
  afterAll(async () => {
    await server.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("creates an administrator who signs in to the running server and creates a key", async () => {
    const res = await adminCreate(env, "ops@example.com", PASSWORD);
    expect(res.code, res.stderr).toBe(0);
    expect(res.stdout).toContain("Created administrator ops@example.com");
    expect(res.stdout + res.stderr).not.toContain(PASSWORD);

    const signIn = await fetch(`${server.base}/api/auth/sign-in/email`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: server.base },
      body: JSON.stringify({ email: "ops@example.com", password: PASSWORD }),
    });
    expect(signIn.status).toBe(200);
    const cookie = signIn.headers.getSetCookie()[0]?.split(";")[0] ?? "";
    rememberKey(cookie);

    const created = await fetch(`${server.base}/api/keys`, {
      method: "POST",
      headers: {
        cookie,
        origin: server.base,
        "x-api-version": "v1",
        "content-type": "application/json",
      },
      body: JSON.stringify({ name: "first", scopes: ["metadata:read"] }),
    });
    expect(created.status).toBe(201);
    const { key } = (await body(created)).data;
    rememberKey(key);
    const used = await fetch(`${server.base}/api/metadata`, {
      headers: { authorization: `Bearer ${key}`, "x-api-version": "v1" },
    });
    expect(used.status).toBe(200);
  });

  it.each([
    ["a password shorter than 12 characters", "short", ["--password-stdin"], /at least 12/],
    ["no password", undefined, ["--password-stdin"], /no password/],
    ["a password that is not on standard input", PASSWORD, [], /--password-stdin/],
  ])("refuses %s with a clear message", async (_name, password, args, message) => {
    const res = await adminCreate(env, "weak@example.com", password, args);
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(message);
  });

  it("refuses a second administrator with the same email", async () => {
    await adminCreate(env, "twice@example.com", PASSWORD);
    const again = await adminCreate(env, "twice@example.com", PASSWORD);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/already exists/);
  });
});
