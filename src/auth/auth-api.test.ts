import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DATABASES, startTestApp, type TestApp } from "../../test/helpers.js";
import { rememberKey } from "../../test/run-output.js";
import { createAdmin } from "./admins.js";

const EMAIL = "admin@example.com";
const PASSWORD = "correct horse battery staple";

describe.each(DATABASES)("dashboard sessions on %s", (database) => {
  let t: TestApp;
  let origin: string;

  beforeAll(async () => {
    t = await startTestApp({ database, env: { SIGN_IN_LIMIT: "4" } });
    origin = new URL(t.services.config.publicBaseUrl).origin;
    rememberKey(PASSWORD);
    await createAdmin(t.services.auth, { email: EMAIL, password: PASSWORD });
  });
  afterAll(() => t.close());

  // Each sign-in comes from its own address unless a test says otherwise, so that only the
  // test of the sign-in limit meets it.
  let addresses = 0;
  async function signIn(password = PASSWORD, ip = `10.0.1.${++addresses}`) {
    return t.app.inject({
      method: "POST",
      url: "/api/auth/sign-in/email",
      headers: { "content-type": "application/json", origin },
      payload: JSON.stringify({ email: EMAIL, password }),
      remoteAddress: ip,
    });
  }

  /** Signs in and returns the Cookie header a browser would send back. */
  async function session(): Promise<string> {
    const res = await signIn();
    expect(res.statusCode).toBe(200);
    const cookie = String(res.headers["set-cookie"]).split(";")[0] ?? "";
    rememberKey(cookie);
    return cookie;
  }

  const withCookie = (cookie: string, method: string, url: string, extra = {}) =>
    t.app.inject({
      method: method as "GET",
      url,
      headers: { cookie, "x-api-version": "v1", ...extra },
    });

  it("sets an HttpOnly, SameSite=Lax session cookie, not Secure over plain HTTP", async () => {
    const res = await signIn();
    expect(res.statusCode).toBe(200);
    const cookie = String(res.headers["set-cookie"]);
    rememberKey(cookie.split(";")[0] ?? "");
    expect(cookie).toMatch(/^nftmeta\.session_token=/);
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
    expect(cookie).not.toMatch(/Secure/i);
  });

  it("accepts a session on /api/* with every scope and logs its user id", async () => {
    const cookie = await session();
    for (const url of ["/api/keys", "/api/audit", "/api/metadata", "/api/media"]) {
      const res = await withCookie(cookie, "GET", url);
      expect(res.statusCode, url).toBe(200);
      expect(res.headers["x-ratelimit-limit"]).toBeDefined();
    }
    const created = await t.app.inject({
      method: "POST",
      url: "/api/keys",
      headers: { cookie, origin, "x-api-version": "v1", "content-type": "application/json" },
      payload: JSON.stringify({ name: "from the dashboard", scopes: ["metadata:read"] }),
    });
    expect(created.statusCode).toBe(201);
    rememberKey(created.json().data.key);

    await t.services.audit.flush();
    const ctx = await t.services.auth.$context;
    const user = await ctx.internalAdapter.findUserByEmail(EMAIL);
    const rows = await t.services.db
      .selectFrom("audit_log")
      .select(["user_id", "key_id", "route"])
      .where("route", "=", "/api/keys")
      .execute();
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((r) => r.user_id === user?.user.id && r.key_id === null)).toBe(true);
  });

  it("needs the version header like any API call", async () => {
    const cookie = await session();
    const res = await t.app.inject({ method: "GET", url: "/api/keys", headers: { cookie } });
    expect(res.statusCode).toBe(400);
  });

  it.each([
    ["no Origin and no Sec-Fetch-Site", 403, {}],
    ["another origin", 403, { origin: "https://evil.example" }],
    ["a cross-site fetch", 403, { "sec-fetch-site": "cross-site" }],
    ["the public origin", 201, { origin: "PUBLIC" }],
    ["a same-origin fetch without Origin", 201, { "sec-fetch-site": "same-origin" }],
    ["the address the browser used (localhost)", 201, { origin: "http://localhost:80" }],
    ["another port of that host", 403, { origin: "http://localhost:8080" }],
  ])("a session write from %s answers %i", async (_name, status, headers) => {
    const cookie = await session();
    const extra = Object.fromEntries(
      Object.entries(headers).map(([k, v]) => [k, v === "PUBLIC" ? origin : v]),
    );
    const res = await t.app.inject({
      method: "POST",
      url: "/api/collections",
      headers: { cookie, "x-api-version": "v1", "content-type": "application/json", ...extra },
      payload: JSON.stringify({
        slug: `c${Math.random().toString(36).slice(2, 8)}`,
        name: "C",
        standard: "erc721",
      }),
    });
    expect(res.statusCode).toBe(status);
  });

  it("ignores cookies on a request that carries an API key", async () => {
    const cookie = await session();
    const reader = await t.key(["metadata:read"]);
    const bad = await withCookie(cookie, "GET", "/api/keys", { authorization: "Bearer nope" });
    expect(bad.statusCode).toBe(401);
    const narrow = await withCookie(cookie, "GET", "/api/keys", {
      authorization: `Bearer ${reader}`,
    });
    expect(narrow.statusCode).toBe(403);
  });

  it("refuses a revoked session on its next request", async () => {
    const cookie = await session();
    expect((await withCookie(cookie, "GET", "/api/keys")).statusCode).toBe(200);
    const out = await t.app.inject({
      method: "POST",
      url: "/api/auth/sign-out",
      headers: { cookie, origin },
    });
    expect(out.statusCode).toBe(200);
    const after = await withCookie(cookie, "GET", "/api/keys");
    expect(after.statusCode).toBe(401);
    expect(after.json().code).toBe("UNAUTHORIZED");
  });

  it("refuses a wrong password, and sign-ups", async () => {
    expect((await signIn("not the password at all", "10.0.0.2")).statusCode).toBe(401);
    const signUp = await t.app.inject({
      method: "POST",
      url: "/api/auth/sign-up/email",
      headers: { "content-type": "application/json", origin },
      payload: JSON.stringify({ email: "x@example.com", password: PASSWORD, name: "x" }),
    });
    expect(signUp.statusCode).toBeGreaterThanOrEqual(400);
    const ctx = await t.services.auth.$context;
    expect(await ctx.internalAdapter.findUserByEmail("x@example.com")).toBeNull();
  });

  it("limits sign-in attempts per client address", async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++)
      statuses.push((await signIn("wrong password!!", "10.9.9.9")).statusCode);
    expect(statuses.slice(0, 4)).toEqual([401, 401, 401, 401]);
    expect(statuses.slice(4)).toEqual([429, 429]);
    expect((await signIn(PASSWORD, "10.9.9.10")).statusCode).toBe(200);
  });

  it("refuses a weak password and a second administrator with the same email", async () => {
    await expect(
      createAdmin(t.services.auth, { email: "b@example.com", password: "short" }),
    ).rejects.toThrow(/at least 12 characters/);
    await expect(
      createAdmin(t.services.auth, { email: EMAIL, password: PASSWORD }),
    ).rejects.toThrow(/already exists/);
  });
});

describe("dashboard cookies over HTTPS", () => {
  it("are Secure when the public address is https", async () => {
    const t = await startTestApp({ env: { PUBLIC_BASE_URL: "https://meta.example.com" } });
    try {
      await createAdmin(t.services.auth, { email: EMAIL, password: PASSWORD });
      const res = await t.app.inject({
        method: "POST",
        url: "/api/auth/sign-in/email",
        headers: { "content-type": "application/json", origin: "https://meta.example.com" },
        payload: JSON.stringify({ email: EMAIL, password: PASSWORD }),
      });
      expect(res.statusCode).toBe(200);
      const cookie = String(res.headers["set-cookie"]);
      rememberKey(cookie.split(";")[0] ?? "");
      expect(cookie).toMatch(/^__Secure-nftmeta\.session_token=.*Secure/i);
    } finally {
      await t.close();
    }
  });
});
