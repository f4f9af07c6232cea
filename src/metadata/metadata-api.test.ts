import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DATABASES, sampleDocument, startTestApp, type TestApp } from "../../test/helpers.js";

describe.each(DATABASES)("metadata API on %s", (database) => {
  let t: TestApp;
  let key: string;

  beforeAll(async () => {
    t = await startTestApp({ database });
    key = await t.key();
    await t.call("POST", "/api/collections", {
      key,
      body: { slug: "art", name: "Art", standard: "erc721" },
    });
  });
  afterAll(() => t.close());

  const create = (body: unknown) => t.call("POST", "/api/metadata", { key, body });
  const count = async () =>
    Number(
      (
        await t.services.db
          .selectFrom("metadata")
          .select((eb) => eb.fn.countAll().as("n"))
          .executeTakeFirstOrThrow()
      ).n,
    );

  describe("documents come back value-for-value", () => {
    it("keeps key order, integer-like keys, unknown fields and every digit of big numbers", async () => {
      const text =
        '{"name":"Big","z":1,"2":"two","1":"one","supply":115792089237316195423570985008687907853269984665640564039457584007913129639935,"ratio":1.50,"nested":{"b":true,"a":null}}';
      const res = await t.call("POST", "/api/metadata", {
        key,
        payload: `{"document": ${text}}`,
        headers: { "content-type": "application/json" },
      });
      expect(res.statusCode).toBe(201);
      expect(res.body).toContain(`"document":${text}`);
      const got = await t.call("GET", `/api/metadata/${res.json().data.id}`, { key });
      expect(got.body).toContain(`"document":${text}`);
    });

    it("answers 201 with the record fields and an ETag", async () => {
      const res = await create({ collection: "art", tokenId: "0001", document: sampleDocument(1) });
      expect(res.statusCode).toBe(201);
      const data = res.json().data;
      expect(data).toMatchObject({ collection: "art", tokenId: "1", version: 1 });
      expect(data.document).toEqual(sampleDocument(1));
      expect(Object.keys(data)).toEqual([
        "id",
        "collection",
        "tokenId",
        "version",
        "document",
        "createdAt",
        "updatedAt",
      ]);
      expect(res.headers.etag).toMatch(/^"1-/);
    });
  });

  describe("bad input is refused and nothing is stored", () => {
    const cases: [string, string, number, RegExp][] = [
      ["malformed JSON", '{"document": {', 400, /offset/],
      ["a __proto__ key", '{"document": {"__proto__": {"x": 1}}}', 400, /__proto__/],
      ["a constructor key", '{"document": {"constructor": {"prototype": 1}}}', 400, /constructor/],
      ["a duplicate key", '{"document": {"name": "a", "name": "b"}}', 400, /duplicate/],
      ["an over-deep body", `{"document": ${"[".repeat(100)}${"]".repeat(100)}}`, 400, /deeper/],
      ["a document that is an array", '{"document": []}', 400, /document/],
      ["a missing document", '{"collection": "art"}', 400, /body\.document/],
      ["an unknown field", '{"document": {}, "extra": 1}', 400, /body\.extra/],
      [
        "a tokenId sent as a number",
        '{"collection": "art", "tokenId": 5, "document": {}}',
        400,
        /tokenId/,
      ],
      [
        "a tokenId of 2^256",
        `{"collection": "art", "tokenId": "${2n ** 256n}", "document": {}}`,
        400,
        /tokenId/,
      ],
      [
        "a javascript: image",
        '{"document": {"image": "javascript:alert(1)"}}',
        422,
        /document\.image/,
      ],
      [
        "a # background colour",
        '{"document": {"background_color": "#ffffff"}}',
        422,
        /background_color/,
      ],
      ["a string attribute", '{"document": {"attributes": ["red"]}}', 422, /attributes\[0\]/],
      [
        "a millisecond date",
        '{"document": {"attributes": [{"trait_type": "Born", "display_type": "date", "value": 1661107899580}]}}',
        422,
        /attributes\[0\]\.value/,
      ],
      [
        "max_value below value",
        '{"document": {"attributes": [{"trait_type": "L", "value": 5, "max_value": 3}]}}',
        422,
        /max_value/,
      ],
      ["a token in no collection", '{"tokenId": "1", "document": {}}', 400, /collection/],
    ];

    it.each(cases)("%s", async (_name, payload, status, detail) => {
      const before = await count();
      const res = await t.call("POST", "/api/metadata", {
        key,
        payload,
        headers: { "content-type": "application/json" },
      });
      expect(res.statusCode).toBe(status);
      const body = res.json();
      expect(body.success).toBe(false);
      expect(body.code).toBe(status === 422 ? "VALIDATION_ERROR" : "BAD_REQUEST");
      expect(JSON.stringify(body.details)).toMatch(detail);
      expect(await count()).toBe(before);
    });

    it("refuses invalid UTF-8", async () => {
      const res = await t.call("POST", "/api/metadata", {
        key,
        payload: Buffer.from([
          ...Buffer.from('{"document":{"name":"'),
          0xff,
          ...Buffer.from('"}}'),
        ]),
        headers: { "content-type": "application/json" },
      });
      expect(res.statusCode).toBe(400);
      expect(res.json().details[0].message).toMatch(/UTF-8/);
    });

    it("answers 413 for an over-large body and 415 for a body that is not JSON", async () => {
      const big = await create({ document: { name: "x".repeat(2 * 1024 * 1024) } });
      expect(big.statusCode).toBe(413);
      expect(big.json().code).toBe("PAYLOAD_TOO_LARGE");
      const text = await t.call("POST", "/api/metadata", {
        key,
        payload: "name=x",
        headers: { "content-type": "text/plain" },
      });
      expect(text.statusCode).toBe(415);
      expect(text.json().code).toBe("UNSUPPORTED_MEDIA_TYPE");
    });

    it("refuses a second document for the same token with 409", async () => {
      await create({ collection: "art", tokenId: "77", document: sampleDocument(77) });
      const again = await create({
        collection: "art",
        tokenId: "077",
        document: sampleDocument(77),
      });
      expect(again.statusCode).toBe(409);
      expect(again.json().code).toBe("CONFLICT");
    });

    it("answers 404 for a collection that does not exist", async () => {
      const res = await create({ collection: "nowhere", tokenId: "1", document: {} });
      expect(res.statusCode).toBe(404);
    });
  });

  describe("updates, history and concurrency", () => {
    it("keeps every version and restores an earlier one as a new version", async () => {
      const id = (await create({ document: { name: "v1" } })).json().data.id;
      await t.call("PUT", `/api/metadata/${id}`, { key, body: { document: { name: "v2" } } });
      await t.call("PUT", `/api/metadata/${id}`, { key, body: { document: { name: "v3" } } });
      const versions = await t.call("GET", `/api/metadata/${id}/versions`, { key });
      expect(versions.json().data.items.map((v: { document: object }) => v.document)).toEqual([
        { name: "v3" },
        { name: "v2" },
        { name: "v1" },
      ]);
      const restored = await t.call("POST", `/api/metadata/${id}/versions/1/restore`, { key });
      expect(restored.statusCode).toBe(200);
      expect(restored.json().data).toMatchObject({ version: 4, document: { name: "v1" } });
      const one = await t.call("GET", `/api/metadata/${id}/versions/2`, { key });
      expect(one.json().data).toMatchObject({ version: 2, document: { name: "v2" } });
    });

    it("answers 409 when If-Match or version names a stale version", async () => {
      const created = await create({ document: { name: "a" } });
      const { id } = created.json().data;
      const etag = created.headers.etag as string;
      const first = await t.call("PUT", `/api/metadata/${id}`, {
        key,
        body: { document: { name: "b" } },
        headers: { "if-match": etag },
      });
      expect(first.statusCode).toBe(200);
      const stale = await t.call("PUT", `/api/metadata/${id}`, {
        key,
        body: { document: { name: "c" } },
        headers: { "if-match": etag },
      });
      expect(stale.statusCode).toBe(409);
      expect(stale.json()).toMatchObject({ code: "CONFLICT", currentVersion: 2 });
      const staleVersion = await t.call("PUT", `/api/metadata/${id}`, {
        key,
        body: { document: { name: "c" }, version: 1 },
      });
      expect(staleVersion.statusCode).toBe(409);
      const got = await t.call("GET", `/api/metadata/${id}`, { key });
      expect(got.json().data.document).toEqual({ name: "b" });
    });

    it("lets exactly one of two concurrent writers from the same version win", async () => {
      const { id } = (await create({ document: { name: "start" } })).json().data;
      const results = await Promise.all(
        ["x", "y"].map((name) =>
          t.call("PUT", `/api/metadata/${id}`, { key, body: { document: { name }, version: 1 } }),
        ),
      );
      expect(results.map((r) => r.statusCode).sort()).toEqual([200, 409]);
    });

    it("merges a PATCH into the stored text, keeping untouched literals", async () => {
      const res = await t.call("POST", "/api/metadata", {
        key,
        payload: '{"document":{"name":"p","big":12345678901234567890123,"attributes":[]}}',
        headers: { "content-type": "application/json" },
      });
      const { id } = res.json().data;
      const patched = await t.call("PATCH", `/api/metadata/${id}`, {
        key,
        body: { document: { name: "q", attributes: null, description: "new" } },
      });
      expect(patched.statusCode).toBe(200);
      expect(patched.body).toContain(
        '"document":{"name":"q","big":12345678901234567890123,"description":"new"}',
      );
      const invalid = await t.call("PATCH", `/api/metadata/${id}`, {
        key,
        body: { document: { image: "javascript:x" } },
      });
      expect(invalid.statusCode).toBe(422);
    });

    it("never serves a write that is not committed yet", async () => {
      const { id } = (await create({ document: { name: "committed" } })).json().data;
      await expect(
        t.services.db.transaction().execute(async (trx) => {
          await trx
            .updateTable("metadata")
            .set({ document: '{"name":"in flight"}' })
            .where("id", "=", id)
            .execute();
          const during = await t.call("GET", `/api/metadata/${id}`, { key });
          expect(during.json().data.document).toEqual({ name: "committed" });
          throw new Error("roll back");
        }),
      ).rejects.toThrow("roll back");
      const after = await t.call("GET", `/api/metadata/${id}`, { key });
      expect(after.json().data.document).toEqual({ name: "committed" });
    });

    it("deletes with 200 and the id, then answers 404", async () => {
      const { id } = (await create({ document: {} })).json().data;
      const del = await t.call("DELETE", `/api/metadata/${id}`, { key });
      expect(del.json()).toEqual({ success: true, data: { id } });
      expect((await t.call("GET", `/api/metadata/${id}`, { key })).statusCode).toBe(404);
      expect((await t.call("DELETE", `/api/metadata/${id}`, { key })).statusCode).toBe(404);
    });
  });

  describe("lists", () => {
    beforeAll(async () => {
      await t.call("POST", "/api/collections", {
        key,
        body: { slug: "listed", name: "Listed", standard: "erc721" },
      });
      for (const n of [3, 1, 10, 2]) {
        await create({ collection: "listed", tokenId: String(n), document: sampleDocument(n) });
      }
    });

    const list = (query: string) =>
      t.call("GET", `/api/metadata?collection=listed&${query}`, { key });

    it("pages with total, page, limit and pages", async () => {
      const res = await list("limit=3&page=2&sort=tokenId");
      expect(res.json().data).toMatchObject({ total: 4, page: 2, limit: 3, pages: 2 });
      expect(res.json().data.items.map((i: { tokenId: string }) => i.tokenId)).toEqual(["10"]);
    });

    it("sorts token ids as numbers, both ways", async () => {
      const up = await list("sort=tokenId");
      expect(up.json().data.items.map((i: { tokenId: string }) => i.tokenId)).toEqual([
        "1",
        "2",
        "3",
        "10",
      ]);
      const down = await list("sort=-tokenId");
      expect(down.json().data.items.map((i: { tokenId: string }) => i.tokenId)).toEqual([
        "10",
        "3",
        "2",
        "1",
      ]);
    });

    it("filters by trait and searches name and description without regard to case", async () => {
      const blue = await list("trait=Background:Blue&sort=tokenId");
      expect(blue.json().data.items.map((i: { tokenId: string }) => i.tokenId)).toEqual([
        "2",
        "10",
      ]);
      const both = await list("trait=Background:Blue&trait=Level:10");
      expect(both.json().data.total).toBe(1);
      const search = await list("search=TOKEN%20%2310");
      expect(search.json().data.items.map((i: { tokenId: string }) => i.tokenId)).toEqual(["10"]);
      const wildcard = await list("search=%25");
      expect(wildcard.json().data.total).toBe(0);
    });

    it.each(["limit=0", "limit=101", "page=0", "limit=abc", "sort=colour", "trait=nocolon"])(
      "refuses %s with 400, never all rows",
      async (query) => {
        const res = await list(query);
        expect(res.statusCode).toBe(400);
        expect(res.json().code).toBe("BAD_REQUEST");
      },
    );
  });

  describe("batch", () => {
    it("creates the good items and reports the bad ones, each in its place", async () => {
      const res = await t.call("POST", "/api/metadata/batch", {
        key,
        body: {
          items: [
            { collection: "art", tokenId: "500", document: sampleDocument(500) },
            { document: { image: "javascript:alert(1)" } },
            { collection: "art", tokenId: "500", document: sampleDocument(500) },
            { document: { name: "plain" } },
          ],
        },
      });
      expect(res.statusCode).toBe(200);
      const data = res.json().data;
      expect(data).toMatchObject({ created: 2, failed: 2 });
      expect(data.results.map((r: { status: number }) => r.status)).toEqual([201, 422, 409, 201]);
      expect(JSON.stringify(data.results[1].error.details)).toContain(
        "body.items[1].document.image",
      );
    });
  });

  describe("by token", () => {
    const max = (2n ** 256n - 1n).toString();

    it("creates with 201, replaces with 200, and keeps all 78 digits of the id", async () => {
      const path = `/api/collections/art/tokens/${max}`;
      const first = await t.call("PUT", path, { key, body: { document: { name: "max" } } });
      expect(first.statusCode).toBe(201);
      const second = await t.call("PUT", path, { key, body: { document: { name: "max 2" } } });
      expect(second.statusCode).toBe(200);
      const got = await t.call("GET", path, { key });
      expect(got.json().data).toMatchObject({
        tokenId: max,
        version: 2,
        document: { name: "max 2" },
      });
    });

    it("refuses ids that are not uint256 in decimal", async () => {
      for (const id of [(2n ** 256n).toString(), "-1", "0x10", "1.5"]) {
        const res = await t.call("PUT", `/api/collections/art/tokens/${id}`, {
          key,
          body: { document: {} },
        });
        expect(res.statusCode, id).toBe(400);
      }
    });

    it("answers 404 for a token that has no document", async () => {
      const res = await t.call("GET", "/api/collections/art/tokens/123456", { key });
      expect(res.statusCode).toBe(404);
      expect(res.json().code).toBe("NOT_FOUND");
    });
  });
});
