import { connect } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DATABASES, startTestApp, type TestApp } from "../../test/helpers.js";

describe.each(DATABASES)("bad input never gets a 500, on %s", (database) => {
  let t: TestApp;
  let key: string;

  beforeAll(async () => {
    t = await startTestApp({ database });
    key = await t.key();
  });
  afterAll(() => t.close());

  const expectEnvelope = (res: { statusCode: number; json: () => unknown }, status: number) => {
    expect(res.statusCode).toBe(status);
    expect(res.json()).toMatchObject({ success: false, requestId: expect.any(String) });
  };

  it.each([
    ["a name", '{"document":{"name":"a\\u0000b"}}'],
    ["a trait type", '{"document":{"attributes":[{"trait_type":"\\u0000","value":1}]}}'],
    ["an unknown field", '{"document":{"x":"\\u0000"}}'],
  ])("refuses U+0000 in %s with 400 on every database", async (_name, payload) => {
    const res = await t.call("POST", "/api/metadata", {
      key,
      payload,
      headers: { "content-type": "application/json" },
    });
    expectEnvelope(res, 400);
    expect(JSON.stringify(res.json())).toContain("U+0000");
  });

  it.each(["/api/metadata?search=%00", "/api/metadata?trait=%00:%00", "/api/metadata/%00"])(
    "refuses %%00 in %s with 400",
    async (url) => {
      expectEnvelope(await t.call("GET", url, { key }), 400);
    },
  );

  it("answers a broken URL escape and an over-long parameter in the envelope", async () => {
    expectEnvelope(await t.call("GET", "/api/metadata/%ZZ", { key }), 400);
    expectEnvelope(await t.call("GET", `/api/metadata/${"a".repeat(5000)}`, { key }), 400);
  });

  it("answers a malformed multipart body with 400", async () => {
    const base = await t.app.listen({ port: 0, host: "127.0.0.1" });
    const truncated =
      '--XX\r\nContent-Disposition: form-data; name="file"; filename="a.png"\r\n\r\nabc';
    for (const [type, body] of [
      ["multipart/form-data; boundary=XX", "abc"],
      ["multipart/form-data; boundary=XX", truncated],
      ["multipart/form-data", "abc"],
    ]) {
      const res = await fetch(`${base}/api/media`, {
        method: "POST",
        headers: {
          authorization: `Bearer ${key}`,
          "x-api-version": "v1",
          "content-type": type ?? "",
        },
        body,
      });
      expect(res.status, `${type} ${body}`).toBe(400);
      expect(await res.json()).toMatchObject({ success: false, code: "BAD_REQUEST" });
    }
  });

  it("refuses two different keys in repeated Authorization headers", async () => {
    const reader = await t.key(["metadata:read"]);
    for (const order of [
      [key, reader],
      [reader, key],
    ]) {
      // An array is sent as repeated headers; the type only admits one value per name.
      const authorization = order.map((k) => `Bearer ${k}`) as unknown as string;
      const res = await t.app.inject({
        method: "GET",
        url: "/api/metadata",
        headers: { "x-api-version": "v1", authorization },
      });
      expect(res.statusCode).toBe(401);
    }
  });

  it("honours If-Match on DELETE", async () => {
    const created = await t.call("POST", "/api/metadata", {
      key,
      body: { document: { name: "k" } },
    });
    const { id } = created.json().data;
    const stale = await t.call("DELETE", `/api/metadata/${id}`, {
      key,
      headers: { "if-match": '"0-x"' },
    });
    expect(stale.statusCode).toBe(409);
    expect((await t.call("GET", `/api/metadata/${id}`, { key })).statusCode).toBe(200);
    const fresh = await t.call("DELETE", `/api/metadata/${id}`, {
      key,
      headers: { "if-match": String(created.headers.etag) },
    });
    expect(fresh.statusCode).toBe(200);
  });

  it("takes a DELETE that says JSON but sends no body", async () => {
    const { id } = (await t.call("POST", "/api/metadata", { key, body: { document: {} } })).json()
      .data;
    const res = await t.call("DELETE", `/api/metadata/${id}`, {
      key,
      headers: { "content-type": "application/json" },
    });
    expect(res.statusCode).toBe(200);
  });

  it("sends CORS on 404s of public paths the router does not know", async () => {
    for (const url of ["/metadata/only-one-part", `/media/${"0".repeat(64)}`]) {
      const res = await t.app.inject({ method: "GET", url });
      expect(res.statusCode).toBe(404);
      expect(res.headers["access-control-allow-origin"]).toBe("*");
    }
  });

  it("neutralises spreadsheet formulas in the CSV export", async () => {
    await t.call("GET", "/api/metadata", { key, headers: { "user-agent": '=HYPERLINK("x")' } });
    const csv = await t.call("GET", "/api/audit?format=csv", { key });
    expect(csv.body).toContain(`"'=HYPERLINK(""x"")"`);
    expect(csv.body).not.toContain(`"=HYPERLINK`);
  });
});

describe("a request Node's HTTP parser refuses", () => {
  it("gets the error envelope", async () => {
    const t = await startTestApp();
    try {
      await t.app.listen({ port: 0, host: "127.0.0.1" });
      const address = t.app.server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      const answer = await new Promise<string>((resolve) => {
        let text = "";
        const socket = connect(port, "127.0.0.1", () => {
          socket.write("GET /api/health HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n");
        });
        socket.on("data", (b) => (text += b));
        socket.on("close", () => resolve(text));
      });
      expect(answer).toMatch(/^HTTP\/1\.1 400/);
      expect(answer).toContain('"code":"BAD_REQUEST"');
    } finally {
      await t.close();
    }
  });
});
