import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditEntry, DATABASES, startTestApp, type TestApp } from "../../test/helpers.js";
import { AuditLog } from "./audit-log.js";

describe.each(DATABASES)("activity log on %s", (database) => {
  let t: TestApp;
  let admin: string;
  let reader: string;

  beforeAll(async () => {
    t = await startTestApp({ database });
    admin = await t.key();
    reader = await t.key(["metadata:read"]);
    await t.call("GET", "/api/metadata", { key: reader, headers: { "user-agent": "probe/1" } });
    await t.call("GET", "/api/metadata?api_key=leak", { key: reader });
    await t.call("POST", "/api/metadata", { key: reader, body: { document: {} } });
    await t.call("GET", "/api/metadata", { key: "nftm_00000000000000000000000000000000000000" });
    await t.call("GET", "/api/health");
  });
  afterAll(() => t.close());

  const audit = (query: string, key = admin) => t.call("GET", `/api/audit?${query}`, { key });

  it("records each request that reached authentication, with its fields", async () => {
    const res = await audit("kind=request&limit=100");
    const items = res.json().data.items;
    expect(items.some((e: { route: string }) => e.route === "/api/health")).toBe(false);
    const first = items.find((e: { userAgent: string }) => e.userAgent === "probe/1");
    expect(first).toMatchObject({
      kind: "request",
      method: "GET",
      route: "/api/metadata",
      path: "/api/metadata",
      status: 200,
      ip: "127.0.0.1",
    });
    expect(first.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(first.keyId).toMatch(/^key_/);
    expect(typeof first.latencyMs).toBe("number");
    expect(res.body).not.toContain("leak");
  });

  it("keeps the real reason of a 401 in the log", async () => {
    const res = await audit("status=4xx&limit=100");
    const reasons = res.json().data.items.map((e: { reason: string | null }) => e.reason);
    // That key's checksum does not match, so it was refused before any lookup.
    expect(reasons).toContain("malformed");
    expect(
      res.json().data.items.every((e: { status: number }) => e.status >= 400 && e.status < 500),
    ).toBe(true);
  });

  it("filters by method, route and time", async () => {
    const posts = await audit("method=POST&kind=request");
    expect(posts.json().data.items.map((e: { status: number }) => e.status)).toEqual([403]);
    const future = await audit(`since=${new Date(Date.now() + 60_000).toISOString()}`);
    expect(future.json().data.items).toEqual([]);
    const byDate = await audit("since=2000-01-01&kind=request");
    expect(byDate.json().data.items.length).toBeGreaterThan(0);
    expect((await audit("since=yesterday")).statusCode).toBe(400);
  });

  it("pages with a cursor, newest first, without repeats", async () => {
    const seen: string[] = [];
    let cursor = "";
    for (let i = 0; i < 20; i++) {
      const res = await audit(`limit=2${cursor ? `&cursor=${cursor}` : ""}`);
      const { items, nextCursor } = res.json().data;
      seen.push(...items.map((e: { id: string }) => e.id));
      if (!nextCursor) break;
      cursor = nextCursor;
    }
    expect(new Set(seen).size).toBe(seen.length);
    expect([...seen].sort().reverse()).toEqual(seen);
    expect(seen.length).toBeGreaterThanOrEqual(4);
  });

  it("exports CSV and NDJSON", async () => {
    // Reading the log is logged too: a fixed end keeps both exports to the same entries.
    const until = new Date().toISOString();
    const csv = await audit(`format=csv&kind=request&until=${until}`);
    expect(csv.headers["content-type"]).toMatch(/^text\/csv/);
    const lines = csv.body.trim().split("\r\n");
    expect(lines[0]).toMatch(/^"id","time","kind"/);
    const ndjson = await audit(`format=ndjson&kind=request&until=${until}`);
    const events = ndjson.body
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(events.length).toBe(lines.length - 1);
    expect(events[0].time < (events.at(-1)?.time ?? "")).toBe(true);
  });

  it("records administrative events with before and after, and no secret", async () => {
    const created = await t.call("POST", "/api/keys", {
      key: admin,
      body: { name: "x", scopes: ["metadata:read"] },
    });
    const { id, key } = created.json().data;
    await t.call("DELETE", `/api/keys/${id}`, { key: admin });
    const doc = await t.call("POST", "/api/metadata", {
      key: admin,
      body: { document: { name: "gone" } },
    });
    await t.call("DELETE", `/api/metadata/${doc.json().data.id}`, { key: admin });
    const res = await audit("kind=admin");
    const actions = res.json().data.items.map((e: { action: string }) => e.action);
    expect(actions).toEqual(["metadata.deleted", "key.revoked", "key.created"]);
    const revoked = res.json().data.items[1];
    expect(revoked).toMatchObject({ target: id, before: { revokedAt: null }, after: { id } });
    expect(revoked.after.revokedAt).not.toBeNull();
    expect(res.json().data.items[0].before.document).toEqual({ name: "gone" });
    expect(res.body).not.toContain(key);
    expect(res.body).not.toContain("key_hash");
  });

  it("needs audit:read", async () => {
    const res = await audit("", reader);
    expect(res.statusCode).toBe(403);
    expect(res.json().required).toEqual(["audit:read"]);
  });
});

describe("the activity log writer", () => {
  it("bounds its queue: past the bound, entries are dropped and counted", async () => {
    const t = await startTestApp();
    try {
      const log = new AuditLog(t.services.db, { maxQueued: 5 });
      for (let i = 0; i < 8; i++) log.record(auditEntry(`r${i}`));
      expect(log.getStats()).toEqual({ written: 0, dropped: 3, queued: 5 });
      await log.flush();
      expect(log.getStats()).toEqual({ written: 5, dropped: 3, queued: 0 });
    } finally {
      await t.close();
    }
  });

  it("keeps entries while the database is away and writes them when it is back", async () => {
    const t = await startTestApp();
    try {
      const log = new AuditLog(t.services.db);
      await t.services.db.schema.alterTable("audit_log").renameTo("audit_away").execute();
      log.record(auditEntry("kept"));
      await log.flush();
      expect(log.getStats().queued).toBe(1);
      await t.services.db.schema.alterTable("audit_away").renameTo("audit_log").execute();
      await log.flush();
      expect(log.getStats()).toMatchObject({ written: 1, queued: 0 });
    } finally {
      await t.close();
    }
  });

  it("prunes entries older than the retention period", async () => {
    const t = await startTestApp();
    try {
      const old = new AuditLog(t.services.db, { now: () => Date.now() - 91 * 86_400_000 });
      old.record(auditEntry("old"));
      await old.flush();
      const log = new AuditLog(t.services.db, { retentionDays: 90 });
      log.record(auditEntry("new"));
      await log.flush();
      expect(await log.prune()).toBe(1);
      const left = await t.services.db.selectFrom("audit_log").select("request_id").execute();
      expect(left.map((r) => r.request_id)).toEqual(["new"]);
    } finally {
      await t.close();
    }
  });
});
