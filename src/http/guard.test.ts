import Fastify from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ALL_SCOPES, startTestApp, type TestApp } from "../../test/helpers.js";
import { hashKey } from "../keys/key-format.js";
import { revokeKey } from "../keys/key-store.js";
import { enforceRoutePolicy } from "./route-policy.js";

const UNAUTHORIZED = { success: false, error: "Invalid or missing API key", code: "UNAUTHORIZED" };
const FORBIDDEN = {
  success: false,
  error: "Insufficient permissions for this operation",
  code: "FORBIDDEN",
  required: ["metadata:write"],
};
const VERSION_REQUIRED = {
  success: false,
  error: "API version header required (x-api-version or accept-version)",
  code: "BAD_REQUEST",
};

let t: TestApp;

async function keyId(key: string): Promise<string> {
  const row = await t.services.db
    .selectFrom("api_keys")
    .select("id")
    .where("key_hash", "=", hashKey(key))
    .executeTakeFirstOrThrow();
  return row.id;
}
let full: string;

beforeAll(async () => {
  t = await startTestApp({ env: { AUTH_FAILURE_LIMIT: "1000" } });
  full = await t.key();
});
afterAll(() => t.close());

describe("authentication", () => {
  it("accepts a key as Bearer with the scheme in any case, and as x-api-key", async () => {
    for (const headers of [
      { authorization: `Bearer ${full}` },
      { authorization: `bEaReR ${full}` },
      { "x-api-key": full },
      { authorization: `Bearer ${full}`, "x-api-key": full },
    ]) {
      const res = await t.call("GET", "/api/metadata", { headers });
      expect(res.statusCode, JSON.stringify(headers)).toBe(200);
    }
  });

  it.each([
    ["no key", {}],
    ["a key in the query string", { url: "?api_key=KEY" }],
    ["two different keys", { authorization: "Bearer KEY", "x-api-key": "OTHER" }],
    ["a malformed authorization header", { authorization: "Basic KEY" }],
    ["a key with a broken checksum", { authorization: "Bearer BROKEN" }],
    ["a well-formed key that does not exist", { authorization: "Bearer UNKNOWN" }],
  ])("answers the uniform 401 for %s", async (_name, spec: Record<string, string>) => {
    const other = await t.key();
    const fill = (v: string) =>
      v
        .replace("OTHER", other)
        .replace("BROKEN", `${full.slice(0, -1)}${full.endsWith("A") ? "B" : "A"}`)
        .replace("UNKNOWN", "nftm_00000000000000000000000000000000000000")
        .replace("KEY", full);
    const { url = "", ...headers } = spec;
    const res = await t.call("GET", `/api/metadata${fill(url)}`, {
      headers: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, fill(v)])),
    });
    expect(res.statusCode).toBe(401);
    expect(res.json()).toMatchObject(UNAUTHORIZED);
    expect(res.json().requestId).toBe(res.headers["x-request-id"]);
  });

  it("refuses a revoked key on its very next request", async () => {
    const key = await t.key(["metadata:read"]);
    expect((await t.call("GET", "/api/metadata", { key })).statusCode).toBe(200);
    await revokeKey(t.services.db, await keyId(key));
    t.services.verifier.invalidate();
    expect((await t.call("GET", "/api/metadata", { key })).statusCode).toBe(401);
  });

  it("refuses a key revoked by another process within a second", async () => {
    const key = await t.key(["metadata:read"]);
    expect((await t.call("GET", "/api/metadata", { key })).statusCode).toBe(200);
    // As the CLI does: a write to the database only, no word to this process.
    await revokeKey(t.services.db, await keyId(key));
    await new Promise((r) => setTimeout(r, 1000));
    expect((await t.call("GET", "/api/metadata", { key })).statusCode).toBe(401);
  });

  it("refuses an expired key", async () => {
    const key = await t.key(["metadata:read"], {
      expiresAt: new Date(Date.now() - 1000).toISOString(),
    });
    const res = await t.call("GET", "/api/metadata", { key });
    expect(res.statusCode).toBe(401);
    expect(res.json()).toMatchObject(UNAUTHORIZED);
  });

  it("needs neither key nor version for health", async () => {
    const res = await t.call("GET", "/api/health", { headers: { "x-api-version": undefined } });
    expect(res.statusCode).toBe(200);
    expect(res.json().data.checks.database.status).toBe("ok");
  });
});

describe("versions", () => {
  it("requires a version header with the documented body", async () => {
    const res = await t.call("GET", "/api/metadata", {
      key: full,
      headers: { "x-api-version": undefined },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject(VERSION_REQUIRED);
  });

  it("takes accept-version and any letter case, and says v1 back", async () => {
    const res = await t.call("GET", "/api/metadata", {
      key: full,
      headers: { "x-api-version": undefined, "accept-version": "V1" },
    });
    expect(res.statusCode).toBe(200);
    expect(res.headers["x-api-version"]).toBe("v1");
  });

  it("names the supported versions for an unknown one", async () => {
    const res = await t.call("GET", "/api/metadata", {
      key: full,
      headers: { "x-api-version": "v2" },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().code).toBe("BAD_REQUEST");
    expect(res.json().error).toMatch(/supported versions: v1/);
  });
});

describe("scopes", () => {
  // Every route with the scope it needs; a key holding every other scope is refused.
  const routes: [string, string, string][] = [
    ["GET", "/api/metadata", "metadata:read"],
    ["POST", "/api/metadata", "metadata:write"],
    ["POST", "/api/metadata/batch", "metadata:write"],
    ["GET", "/api/metadata/x", "metadata:read"],
    ["PUT", "/api/metadata/x", "metadata:write"],
    ["PATCH", "/api/metadata/x", "metadata:write"],
    ["DELETE", "/api/metadata/x", "metadata:write"],
    ["GET", "/api/metadata/x/versions", "metadata:read"],
    ["POST", "/api/metadata/x/versions/1/restore", "metadata:write"],
    ["GET", "/api/collections", "metadata:read"],
    ["POST", "/api/collections", "metadata:write"],
    ["GET", "/api/collections/c", "metadata:read"],
    ["PUT", "/api/collections/c", "metadata:write"],
    ["PATCH", "/api/collections/c", "metadata:write"],
    ["DELETE", "/api/collections/c", "metadata:write"],
    ["POST", "/api/collections/c/import", "metadata:write"],
    ["GET", "/api/collections/c/tokens/1", "metadata:read"],
    ["PUT", "/api/collections/c/tokens/1", "metadata:write"],
  ];

  it.each(routes)("%s %s needs %s", async (method, url, scope) => {
    const others = ALL_SCOPES.filter((s) => s !== scope);
    const key = await t.key(others);
    const body = method === "GET" || method === "DELETE" ? undefined : {};
    const res = await t.call(method, url, { key, body });
    expect(res.statusCode).toBe(403);
    expect(res.json()).toMatchObject({ code: "FORBIDDEN", required: [scope] });
  });

  it("answers a write with a read-only key with the documented body", async () => {
    const key = await t.key(["metadata:read"]);
    const res = await t.call("POST", "/api/metadata", { key, body: { document: {} } });
    expect(res.json()).toMatchObject(FORBIDDEN);
  });

  it("refuses to register an /api route that declares no scope", async () => {
    const app = Fastify();
    enforceRoutePolicy(app);
    expect(() => app.get("/api/unguarded", async () => "open")).toThrow(/declares no scope/);
  });
});

describe("order of checks", () => {
  it("authenticates before checking the version", async () => {
    const res = await t.call("GET", "/api/metadata", { headers: { "x-api-version": undefined } });
    expect(res.statusCode).toBe(401);
  });

  it("limits before checking the version", async () => {
    const key = await t.key(["metadata:read"], { rateLimit: 1 });
    await t.call("GET", "/api/metadata", { key });
    const res = await t.call("GET", "/api/metadata", { key, headers: { "x-api-version": "v9" } });
    expect(res.statusCode).toBe(429);
  });

  it("checks the version before the scope, and the scope before the body", async () => {
    const key = await t.key(["metadata:read"]);
    const noVersion = await t.call("POST", "/api/metadata", {
      key,
      payload: "{not json",
      headers: { "content-type": "application/json", "x-api-version": undefined },
    });
    expect(noVersion.statusCode).toBe(400);
    expect(noVersion.json()).toMatchObject(VERSION_REQUIRED);
    const badBody = await t.call("POST", "/api/metadata", {
      key,
      payload: "{not json",
      headers: { "content-type": "application/json" },
    });
    expect(badBody.statusCode).toBe(403);
  });

  it("answers an unknown /api route 404 only after authentication", async () => {
    expect((await t.call("GET", "/api/nothing-here")).statusCode).toBe(401);
    const res = await t.call("GET", "/api/nothing-here", { key: full });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toMatchObject({ success: false, code: "NOT_FOUND" });
  });
});

describe("rate limits", () => {
  it("sends the limit headers on every authenticated answer, errors included", async () => {
    const key = await t.key(["metadata:read"], { rateLimit: 5 });
    const ok = await t.call("GET", "/api/metadata", { key });
    const forbidden = await t.call("POST", "/api/metadata", { key, body: {} });
    for (const res of [ok, forbidden]) {
      expect(res.headers["x-ratelimit-limit"]).toBe("5");
      expect(Number(res.headers["x-ratelimit-reset"])).toBeGreaterThan(Date.now() / 1000);
      expect(res.headers["ratelimit-policy"]).toBe('"default";q=5;w=3600');
      expect(res.headers.ratelimit).toMatch(/^"default";r=\d+;t=\d+$/);
    }
    expect(ok.headers["x-ratelimit-remaining"]).toBe("4");
    expect(forbidden.headers["x-ratelimit-remaining"]).toBe("3");
  });

  it("answers 429 with Retry-After past the limit, and Remaining never below 0", async () => {
    const key = await t.key(["metadata:read"], { rateLimit: 2 });
    await t.call("GET", "/api/metadata", { key });
    await t.call("GET", "/api/metadata", { key });
    for (let i = 0; i < 2; i++) {
      const res = await t.call("GET", "/api/metadata", { key });
      expect(res.statusCode).toBe(429);
      expect(res.json()).toMatchObject({
        success: false,
        error: "Rate limit exceeded",
        code: "RATE_LIMITED",
      });
      expect(res.headers["x-ratelimit-remaining"]).toBe("0");
      expect(Number(res.headers["retry-after"])).toBeGreaterThan(0);
    }
  });

  it("admits exactly the limit under concurrency", async () => {
    const key = await t.key(["metadata:read"], { rateLimit: 100 });
    const all = await Promise.all(
      Array.from({ length: 130 }, () => t.call("GET", "/api/metadata", { key })),
    );
    expect(all.filter((r) => r.statusCode === 200)).toHaveLength(100);
    expect(all.filter((r) => r.statusCode === 429)).toHaveLength(30);
  });
});

describe("failed authentication per client IP", () => {
  it("answers 429 before any lookup once an address has failed too often", async () => {
    const small = await startTestApp({ env: { AUTH_FAILURE_LIMIT: "3" } });
    try {
      const key = await small.key();
      for (let i = 0; i < 3; i++) {
        expect((await small.call("GET", "/api/metadata", { key: "wrong" })).statusCode).toBe(401);
      }
      const res = await small.call("GET", "/api/metadata", { key });
      expect(res.statusCode).toBe(429);
      expect(res.json().code).toBe("RATE_LIMITED");
      expect(Number(res.headers["retry-after"])).toBeGreaterThan(0);
    } finally {
      await small.close();
    }
  });
});
