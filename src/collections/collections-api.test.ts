import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DATABASES, sampleDocument, startTestApp, type TestApp } from "../../test/helpers.js";

describe.each(DATABASES)("collections and public token URIs on %s", (database) => {
  let t: TestApp;
  let key: string;

  beforeAll(async () => {
    t = await startTestApp({ database });
    key = await t.key();
    await t.call("POST", "/api/collections", {
      key,
      body: {
        slug: "open",
        name: "Open",
        standard: "erc721",
        public: true,
        description: "A public collection",
        image: "ipfs://bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku",
        external_link: "https://example.org",
        collaborators: ["0x000000000000000000000000000000000000dEaD"],
      },
    });
    await t.call("POST", "/api/collections", {
      key,
      body: { slug: "hidden", name: "Hidden", standard: "erc721" },
    });
    await t.call("POST", "/api/collections", {
      key,
      body: { slug: "multi", name: "Multi", standard: "erc1155", public: true },
    });
    for (const [slug, id] of [
      ["open", "7"],
      ["hidden", "7"],
      ["multi", "16"],
      ["multi", "10"],
    ] as const) {
      await t.call("PUT", `/api/collections/${slug}/tokens/${id}`, {
        key,
        body: { document: { ...sampleDocument(Number(id)), collection: slug } },
      });
    }
  });
  afterAll(() => t.close());

  const get = (url: string, headers: Record<string, string> = {}) =>
    t.app.inject({ method: "GET", url, headers });

  describe("collections", () => {
    it("creates with 201 and refuses a taken slug with 409", async () => {
      const body = { slug: "fresh", name: "Fresh", standard: "erc721" };
      const first = await t.call("POST", "/api/collections", { key, body });
      expect(first.statusCode).toBe(201);
      expect(first.json().data).toMatchObject({ slug: "fresh", public: false, tokenCount: 0 });
      const again = await t.call("POST", "/api/collections", { key, body });
      expect(again.statusCode).toBe(409);
    });

    it.each([
      ["a slug with capitals", { slug: "Bad", name: "x", standard: "erc721" }, 400],
      ["an unknown standard", { slug: "s1", name: "x", standard: "erc20" }, 400],
      [
        "a bad collaborator",
        { slug: "s2", name: "x", standard: "erc721", collaborators: ["0x1"] },
        400,
      ],
      [
        "a javascript: image",
        { slug: "s3", name: "x", standard: "erc721", image: "javascript:1" },
        422,
      ],
    ])("refuses %s", async (_name, body, status) => {
      const res = await t.call("POST", "/api/collections", { key, body });
      expect(res.statusCode).toBe(status);
      expect(res.json().success).toBe(false);
    });

    it("changes only the given fields on PATCH and every field on PUT", async () => {
      const patched = await t.call("PATCH", "/api/collections/fresh", {
        key,
        body: { description: "now described", chainId: 1 },
      });
      expect(patched.json().data).toMatchObject({
        name: "Fresh",
        description: "now described",
        chainId: 1,
      });
      const put = await t.call("PUT", "/api/collections/fresh", {
        key,
        body: { name: "Renamed", standard: "erc721" },
      });
      expect(put.json().data).toMatchObject({ name: "Renamed", description: null, chainId: null });
    });

    it("refuses to delete a collection holding tokens unless forced", async () => {
      await t.call("POST", "/api/collections", {
        key,
        body: { slug: "doomed", name: "D", standard: "erc721" },
      });
      await t.call("PUT", "/api/collections/doomed/tokens/1", { key, body: { document: {} } });
      const refused = await t.call("DELETE", "/api/collections/doomed", { key });
      expect(refused.statusCode).toBe(409);
      const forced = await t.call("DELETE", "/api/collections/doomed?force=true", { key });
      expect(forced.json()).toEqual({ success: true, data: { id: "doomed", deletedTokens: 1 } });
      expect((await t.call("GET", "/api/collections/doomed", { key })).statusCode).toBe(404);
    });

    it("imports over HTTP idempotently, keeping history for changed documents", async () => {
      await t.call("POST", "/api/collections", {
        key,
        body: { slug: "bulk", name: "B", standard: "erc721" },
      });
      const items = [1, 2, 3].map((n) => ({ tokenId: String(n), document: sampleDocument(n) }));
      const first = await t.call("POST", "/api/collections/bulk/import", { key, body: items });
      expect(first.json().data).toMatchObject({
        created: 3,
        updated: 0,
        unchanged: 0,
        skipped: [],
      });
      const changed = [...items.slice(0, 2), { tokenId: "3", document: { name: "changed" } }];
      changed.push({ tokenId: "x", document: {} });
      const second = await t.call("POST", "/api/collections/bulk/import", { key, body: changed });
      expect(second.json().data).toMatchObject({ created: 0, updated: 1, unchanged: 2 });
      expect(second.json().data.skipped).toHaveLength(1);
      const token = await t.call("GET", "/api/collections/bulk/tokens/3", { key });
      expect(token.json().data).toMatchObject({ version: 2, document: { name: "changed" } });
    });
  });

  describe("public token URIs", () => {
    it.each(["/metadata/open/7", "/metadata/open/7.json"])(
      "%s serves the document alone with CORS, ETag and caching",
      async (url) => {
        const res = await get(url);
        expect(res.statusCode).toBe(200);
        expect(res.json()).toEqual({ ...sampleDocument(7), collection: "open" });
        expect(res.headers["content-type"]).toBe("application/json; charset=utf-8");
        expect(res.headers["access-control-allow-origin"]).toBe("*");
        expect(res.headers["cache-control"]).toBe("public, max-age=60");
        const again = await get(url, { "if-none-match": String(res.headers.etag) });
        expect(again.statusCode).toBe(304);
        expect(again.body).toBe("");
      },
    );

    it("answers 404 with CORS for unknown tokens and for collections that are not public", async () => {
      for (const url of [
        "/metadata/open/8",
        "/metadata/hidden/7",
        "/metadata/nowhere/1",
        "/metadata/open/abc",
      ]) {
        const res = await get(url);
        expect(res.statusCode, url).toBe(404);
        expect(res.headers["access-control-allow-origin"]).toBe("*");
        expect(res.json()).toMatchObject({ success: false, code: "NOT_FOUND" });
      }
    });

    it("reads 64 hex digits as the ERC-1155 id: …0010 is token 16", async () => {
      const hex16 = (16).toString(16).padStart(64, "0");
      const res = await get(`/metadata/multi/${hex16}.json`);
      expect(res.json().name).toBe("Token #16");
      expect((await get(`/metadata/multi/${hex16.toUpperCase()}`)).json().name).toBe("Token #16");
      expect((await get("/metadata/multi/10")).json().name).toBe("Token #10");
    });

    it("serves contract.json with the EIP-7572 fields", async () => {
      const res = await get("/metadata/open/contract.json");
      expect(res.statusCode).toBe(200);
      expect(res.json()).toEqual({
        name: "Open",
        description: "A public collection",
        image: "ipfs://bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku",
        external_link: "https://example.org",
        collaborators: ["0x000000000000000000000000000000000000dEaD"],
      });
      expect((await get("/metadata/hidden/contract.json")).statusCode).toBe(404);
    });

    it("shows a write at once", async () => {
      await t.call("PUT", "/api/collections/open/tokens/7", {
        key,
        body: { document: { name: "new" } },
      });
      expect((await get("/metadata/open/7")).json()).toEqual({ name: "new" });
    });

    it("answers a CORS preflight", async () => {
      const res = await t.app.inject({ method: "OPTIONS", url: "/metadata/open/7" });
      expect(res.statusCode).toBe(204);
      expect(res.headers["access-control-allow-methods"]).toContain("GET");
    });
  });
});
