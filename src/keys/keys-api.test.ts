import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { DATABASES, startTestApp, type TestApp } from "../../test/helpers.js";
import { rememberKey } from "../../test/run-output.js";

describe.each(DATABASES)("key management API on %s", (database) => {
  let t: TestApp;
  let admin: string;

  beforeAll(async () => {
    t = await startTestApp({ database });
    admin = await t.key();
  });
  afterAll(() => t.close());
  afterEach(() => {
    vi.useRealTimers();
  });

  async function create(body: Record<string, unknown>, key = admin) {
    const res = await t.call("POST", "/api/keys", { key, body });
    if (res.statusCode === 201) rememberKey(res.json().data.key);
    return res;
  }

  const use = (key: string, ip?: string) =>
    t.app.inject({
      method: "GET",
      url: "/api/metadata",
      headers: { authorization: `Bearer ${key}`, "x-api-version": "v1" },
      ...(ip ? { remoteAddress: ip } : {}),
    });

  it("creates a key with 201, shows its value once, and never again", async () => {
    const res = await create({ name: "reader", scopes: ["metadata:read"], rateLimit: 50 });
    expect(res.statusCode).toBe(201);
    const data = res.json().data;
    expect(data).toMatchObject({
      name: "reader",
      scopes: ["metadata:read"],
      rateLimit: 50,
      status: "active",
    });
    expect(data.key.startsWith(data.prefix)).toBe(true);
    expect((await use(data.key)).statusCode).toBe(200);
    const got = await t.call("GET", `/api/keys/${data.id}`, { key: admin });
    expect(got.body).not.toContain(data.key);
    expect(got.json().data.lastUsedAt).not.toBeNull();
    const list = await t.call("GET", "/api/keys?limit=100", { key: admin });
    expect(list.body).not.toContain(data.key);
    expect(list.body).not.toContain("hash");
  });

  it("never lets a caller hand out or manage scopes it does not hold", async () => {
    const manager = (await create({ name: "m", scopes: ["keys:manage", "metadata:read"] })).json()
      .data.key;
    const widen = await create({ name: "w", scopes: ["metadata:read", "metadata:write"] }, manager);
    expect(widen.statusCode).toBe(403);
    expect(widen.json()).toMatchObject({ code: "FORBIDDEN", required: ["metadata:write"] });
    const adminId = (await create({ name: "a2", scopes: ["metadata:write"] })).json().data.id;
    for (const [method, url, body] of [
      ["PATCH", `/api/keys/${adminId}`, { name: "mine now" }],
      ["DELETE", `/api/keys/${adminId}`, undefined],
      ["POST", `/api/keys/${adminId}/rotate`, {}],
    ] as const) {
      const res = await t.call(method, url, { key: manager, body });
      expect(res.statusCode, `${method} ${url}`).toBe(403);
    }
  });

  it.each([
    ["scopes on an update", { scopes: ["keys:manage"] }],
    ["an owner on an update", { createdBy: "someone" }],
    ["an unknown scope", null],
  ])("refuses %s with 400", async (_name, patch) => {
    const id = (await create({ name: "p", scopes: ["metadata:read"] })).json().data.id;
    const res =
      patch === null
        ? await t.call("POST", "/api/keys", { key: admin, body: { name: "x", scopes: ["root"] } })
        : await t.call("PATCH", `/api/keys/${id}`, { key: admin, body: patch });
    expect(res.statusCode).toBe(400);
  });

  it("refuses a disabled key and takes it back when enabled again", async () => {
    const { id, key } = (await create({ name: "d", scopes: ["metadata:read"] })).json().data;
    await t.call("PATCH", `/api/keys/${id}`, { key: admin, body: { enabled: false } });
    expect((await use(key)).statusCode).toBe(401);
    await t.call("PATCH", `/api/keys/${id}`, { key: admin, body: { enabled: true } });
    expect((await use(key)).statusCode).toBe(200);
  });

  it("refuses a key outside its IPv4 or IPv6 allowlist, with the reason in the log only", async () => {
    const { id, key } = (
      await create({
        name: "ip",
        scopes: ["metadata:read"],
        ipAllowlist: ["10.1.0.0/16", "2001:db8::/32"],
      })
    ).json().data;
    expect((await use(key, "10.1.200.3")).statusCode).toBe(200);
    expect((await use(key, "::ffff:10.1.0.9")).statusCode).toBe(200);
    expect((await use(key, "2001:db8:1::5")).statusCode).toBe(200);
    const outside = await use(key, "10.2.0.1");
    expect(outside.statusCode).toBe(401);
    expect(outside.json().error).toBe("Invalid or missing API key");
    expect((await use(key, "2001:db9::1")).statusCode).toBe(401);
    await t.services.audit.flush();
    const row = await t.services.db
      .selectFrom("audit_log")
      .select(["reason", "key_id"])
      .where("ip", "=", "10.2.0.1")
      .executeTakeFirstOrThrow();
    expect(row).toEqual({ reason: "ip_not_allowed", key_id: id });
    const bad = await create({
      name: "bad",
      scopes: ["metadata:read"],
      ipAllowlist: ["10.0.0.0/33"],
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().details[0].path).toBe("body.ipAllowlist[0]");
  });

  it("refuses a revoked key on its next request", async () => {
    const { id, key } = (await create({ name: "r", scopes: ["metadata:read"] })).json().data;
    expect((await use(key)).statusCode).toBe(200);
    const res = await t.call("DELETE", `/api/keys/${id}`, { key: admin });
    expect(res.json()).toEqual({ success: true, data: { id } });
    expect((await use(key)).statusCode).toBe(401);
  });

  it("refuses an expired key", async () => {
    const { id, key } = (await create({ name: "e", scopes: ["metadata:read"] })).json().data;
    const past = new Date(Date.now() - 1000).toISOString();
    await t.call("PATCH", `/api/keys/${id}`, { key: admin, body: { expiresAt: past } });
    expect((await use(key)).statusCode).toBe(401);
  });

  it("rotates: the new key copies the settings and the old one works until the grace ends", async () => {
    const old = (await create({ name: "rot", scopes: ["metadata:read"], rateLimit: 77 })).json()
      .data;
    const res = await t.call("POST", `/api/keys/${old.id}/rotate`, {
      key: admin,
      body: { gracePeriodSeconds: 60 },
    });
    expect(res.statusCode).toBe(201);
    const fresh = res.json().data;
    rememberKey(fresh.key);
    expect(fresh).toMatchObject({ scopes: ["metadata:read"], rateLimit: 77, rotatedFrom: old.id });
    expect(fresh.key).not.toBe(old.key);
    expect((await use(old.key)).statusCode).toBe(200);
    expect((await use(fresh.key)).statusCode).toBe(200);

    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(Date.now() + 59_000);
    expect((await use(old.key)).statusCode).toBe(200);
    vi.setSystemTime(Date.now() + 2_000);
    expect((await use(old.key)).statusCode).toBe(401);
    expect((await use(fresh.key)).statusCode).toBe(200);
  });

  it("rotates with the default grace when no body is sent, and refuses a new key already expired", async () => {
    const old = (await create({ name: "plain", scopes: ["metadata:read"] })).json().data;
    const res = await t.app.inject({
      method: "POST",
      url: `/api/keys/${old.id}/rotate`,
      headers: { authorization: `Bearer ${admin}`, "x-api-version": "v1" },
    });
    expect(res.statusCode).toBe(201);
    rememberKey(res.json().data.key);
    const hours = (Date.parse(res.json().data.previous.expiresAt) - Date.now()) / 3_600_000;
    expect(Math.round(hours)).toBe(24);
    const past = await create({
      name: "past",
      scopes: ["metadata:read"],
      expiresAt: new Date(Date.now() - 1000).toISOString(),
    });
    expect(past.statusCode).toBe(400);
  });

  it("rotates with a grace of 0 by revoking the old key at once", async () => {
    const old = (await create({ name: "now", scopes: ["metadata:read"] })).json().data;
    const res = await t.call("POST", `/api/keys/${old.id}/rotate`, {
      key: admin,
      body: { gracePeriodSeconds: 0 },
    });
    rememberKey(res.json().data.key);
    expect(res.json().data.previous.status).toBe("revoked");
    expect((await use(old.key)).statusCode).toBe(401);
  });

  it("keeps an earlier expiry when rotating", async () => {
    const soon = new Date(Date.now() + 10_000).toISOString();
    const old = (await create({ name: "soon", scopes: ["metadata:read"], expiresAt: soon })).json()
      .data;
    const res = await t.call("POST", `/api/keys/${old.id}/rotate`, {
      key: admin,
      body: { gracePeriodSeconds: 3600 },
    });
    rememberKey(res.json().data.key);
    expect(res.json().data.previous.expiresAt).toBe(soon);
    expect(res.json().data.expiresAt).toBe(soon);
  });

  it("reports a key's usage per hour with its last use", async () => {
    const { id, key } = (await create({ name: "u", scopes: ["metadata:read"] })).json().data;
    for (let i = 0; i < 3; i++) await use(key);
    await t.call("GET", "/api/metadata/nope", { key });
    const res = await t.call("GET", `/api/keys/${id}/usage?bucket=hour`, { key: admin });
    const data = res.json().data;
    expect(data.lastUsedAt).not.toBeNull();
    expect(data.periods).toHaveLength(1);
    expect(data.periods[0]).toMatchObject({ requests: 4, errors: 1 });
    expect(data.periods[0].period).toMatch(/^\d{4}-\d\d-\d\dT\d\d:00:00Z$/);
  });
});
