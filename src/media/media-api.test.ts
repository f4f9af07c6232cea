import { createHash } from "node:crypto";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type MediaTestApp, STORE_DATABASES, startMediaApp } from "../../test/media/kit.js";
import { cidOfBytes } from "./cid.js";

// A valid 1x1 PNG.
const PNG_1X1 = Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==",
  "base64",
);

const sha256 = (data: Buffer) => createHash("sha256").update(data).digest("hex");

/** A distinct image each call, so that tests do not share content. */
let seed = 0;
function pngOf(width: number, height: number): Promise<Buffer> {
  seed++;
  const background = { r: seed % 256, g: (seed >> 8) % 256, b: 99 };
  return sharp({ create: { width, height, channels: 3, background } })
    .png()
    .toBuffer();
}

// The first bytes of each accepted format; the type is decided from these alone.
const SIGNATURES: [string, Buffer][] = [
  [
    "video/mp4",
    Buffer.concat([
      Buffer.from([0, 0, 0, 0x18]),
      Buffer.from("ftypisom\0\0\x02\0isomiso2", "latin1"),
    ]),
  ],
  [
    "video/webm",
    Buffer.concat([
      Buffer.from([0x1a, 0x45, 0xdf, 0xa3, 0x9f, 0x42, 0x82, 0x84]),
      Buffer.from("webm"),
    ]),
  ],
  [
    "model/gltf-binary",
    Buffer.concat([Buffer.from("glTF"), Buffer.from([2, 0, 0, 0, 12, 0, 0, 0])]),
  ],
  ["audio/mpeg", Buffer.from("ID3\x04\x00\x00\x00\x00\x00\x00", "latin1")],
  ["audio/wav", Buffer.from("RIFF\x24\x00\x00\x00WAVEfmt ", "latin1")],
  ["audio/ogg", Buffer.from("OggS\x00\x02\x00\x00\x00\x00", "latin1")],
];

describe.each(STORE_DATABASES)("media API on the %s store and %s", (store, database) => {
  let t: MediaTestApp;
  let key: string;

  beforeAll(async () => {
    t = await startMediaApp(store, { MEDIA_IMAGE_LIMIT_BYTES: String(64 * 1024) }, database);
    key = await t.key();
  });
  afterAll(() => t?.close());

  const contentPath = (url: string) => new URL(url).pathname;
  const get = (url: string, headers: Record<string, string> = {}) =>
    t.app.inject({ method: "GET", url: contentPath(url), headers });

  it("stores an upload and answers 201 with its content addresses and details", async () => {
    const res = await t.upload(
      [
        { name: "alt", data: "a dot" },
        { name: "file", filename: "Ünïcødé 点.png", type: "image/png", data: PNG_1X1 },
      ],
      key,
    );
    expect(res.statusCode, res.body).toBe(201);
    const media = res.json().data;
    expect(media).toMatchObject({
      fileName: "Ünïcødé 点.png",
      mimeType: "image/png",
      size: PNG_1X1.length,
      sha256: sha256(PNG_1X1),
      cid: cidOfBytes(PNG_1X1),
      width: 1,
      height: 1,
      alt: "a dot",
    });
    const got = await t.call("GET", `/api/media/${media.id}`, { key });
    expect(got.json().data, got.body).toEqual(media);
  });

  it("keeps alt text sent after the file", async () => {
    const png = await pngOf(3, 2);
    const res = await t.upload(
      [
        { name: "file", filename: "late.png", data: png },
        { name: "alt", data: "sent last" },
      ],
      key,
    );
    expect(res.json().data).toMatchObject({ alt: "sent last", width: 3, height: 2 });
  });

  it.each(SIGNATURES)("takes %s from its bytes, whatever the name says", async (type, data) => {
    const res = await t.upload([{ name: "file", filename: "misnamed.txt", data }], key);
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json().data.mimeType).toBe(type);
  });

  it.each([
    [
      "a script declared as PNG",
      "x.png",
      "image/png",
      '<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>',
    ],
    ["SVG", "x.svg", "image/svg+xml", '<svg xmlns="http://www.w3.org/2000/svg"/>'],
    ["plain text", "x.txt", undefined, "hello"],
    ["an empty file", "empty.png", "image/png", ""],
    ["a PNG declared as JPEG", "x.jpg", "image/jpeg", PNG_1X1],
  ])("refuses %s with 415 and stores nothing", async (_name, filename, type, data) => {
    const before = await t.services.media.store.list();
    const res = await t.upload([{ name: "file", filename, data, ...(type ? { type } : {}) }], key);
    expect(res.statusCode, res.body).toBe(415);
    expect(res.json()).toMatchObject({ success: false, code: "UNSUPPORTED_MEDIA_TYPE" });
    expect(await t.services.media.store.list()).toEqual(before);
  });

  it("refuses a truncated image that only starts like one", async () => {
    const png = await pngOf(40, 40);
    const res = await t.upload(
      [{ name: "file", filename: "cut.png", data: png.subarray(0, 60) }],
      key,
    );
    expect(res.statusCode, res.body).toBe(415);
  });

  it("answers 413 past the image limit and keeps nothing", async () => {
    const before = await t.services.media.store.list();
    const big = Buffer.concat([PNG_1X1, Buffer.alloc(64 * 1024)]);
    const res = await t.upload([{ name: "file", filename: "big.png", data: big }], key);
    expect(res.statusCode, res.body).toBe(413);
    expect(res.json()).toMatchObject({ code: "PAYLOAD_TOO_LARGE" });
    expect(res.headers.connection).toBe("close");
    expect(await t.services.media.store.list()).toEqual(before);
  });

  it("answers 400 when the form has no file, 415 when it is not a form", async () => {
    const none = await t.upload([{ name: "alt", data: "nothing" }], key);
    expect(none.statusCode, none.body).toBe(400);
    const json = await t.call("POST", "/api/media", { key, body: { file: "x" } });
    expect(json.statusCode, json.body).toBe(415);
  });

  it("stores the same bytes once", async () => {
    const png = await pngOf(5, 5);
    const before = (await t.services.media.store.list()).length;
    const a = (await t.upload([{ name: "file", filename: "a.png", data: png }], key)).json().data;
    const b = (await t.upload([{ name: "file", filename: "b.png", data: png }], key)).json().data;
    expect(a.id).not.toBe(b.id);
    expect(a.cid).toBe(b.cid);
    expect((await t.services.media.store.list()).length).toBe(before + 1);

    await t.call("DELETE", `/api/media/${a.id}`, { key });
    expect((await get(b.url)).statusCode).toBe(200);
    await t.call("DELETE", `/api/media/${b.id}`, { key });
    expect((await get(b.url)).statusCode).toBe(404);
    expect((await t.services.media.store.list()).length).toBe(before);
  });

  it("deletes: 200 with the id, then 404", async () => {
    const { data } = (
      await t.upload([{ name: "file", filename: "d.png", data: await pngOf(2, 2) }], key)
    ).json();
    const del = await t.call("DELETE", `/api/media/${data.id}`, { key });
    expect(del.statusCode).toBe(200);
    expect(del.json().data).toEqual({ id: data.id });
    const again = await t.call("GET", `/api/media/${data.id}`, { key });
    expect(again.statusCode).toBe(404);
    expect(again.json()).toMatchObject({ success: false, code: "NOT_FOUND" });
  });

  it("lists with pagination and filters by type and name", async () => {
    await t.upload([{ name: "file", filename: "Sunset-Filter.png", data: await pngOf(4, 4) }], key);
    await t.upload(
      [
        {
          name: "file",
          filename: "sunset_100%.ogg",
          data: Buffer.from("OggS\x00\x02zzzz", "latin1"),
        },
      ],
      key,
    );
    const byName = (await t.call("GET", "/api/media?name=SUNSET", { key })).json().data;
    expect(byName.items.map((m: { fileName: string }) => m.fileName).sort()).toEqual([
      "Sunset-Filter.png",
      "sunset_100%.ogg",
    ]);
    const images = (await t.call("GET", "/api/media?type=image&name=sunset", { key })).json().data;
    expect(images.items).toHaveLength(1);
    const ogg = (await t.call("GET", "/api/media?type=audio/ogg&name=100%25", { key })).json().data;
    expect(ogg.items.map((m: { fileName: string }) => m.fileName)).toEqual(["sunset_100%.ogg"]);
    const paged = (await t.call("GET", "/api/media?limit=2&page=2", { key })).json().data;
    expect(paged).toMatchObject({ page: 2, limit: 2 });
    expect(paged.items).toHaveLength(2);
    expect(paged.pages).toBe(Math.ceil(paged.total / 2));
    expect((await t.call("GET", "/api/media?limit=101", { key })).statusCode).toBe(400);
    expect((await t.call("GET", "/api/media?type=text", { key })).statusCode).toBe(400);
  });

  it.each([
    ["GET", "/api/media", ["media:write"]],
    ["GET", "/api/media/x", ["media:write"]],
    ["POST", "/api/media", ["media:read"]],
    ["DELETE", "/api/media/x", ["media:read"]],
    ["POST", "/api/media/batch", ["media:read", "metadata:write"]],
  ] as const)("%s %s needs its scope (403)", async (method, url, scopes) => {
    const narrow = await t.key([...scopes]);
    const res = await t.call(method, url, { key: narrow });
    expect(res.statusCode).toBe(403);
    expect(res.json().required).toHaveLength(1);
  });

  describe("content URL", () => {
    let data: { url: string; sha256: string; cid: string; size: number };
    let png: Buffer;

    beforeAll(async () => {
      png = await pngOf(30, 20);
      data = (await t.upload([{ name: "file", filename: "c.png", data: png }], key)).json().data;
    });

    it("serves the bytes unchanged, public, immutable and never as a page", async () => {
      const res = await get(data.url);
      expect(res.statusCode).toBe(200);
      expect(res.rawPayload.equals(png)).toBe(true);
      expect(res.headers).toMatchObject({
        "content-type": "image/png",
        "content-length": String(png.length),
        etag: `"${data.sha256}"`,
        "cache-control": "public, max-age=31536000, immutable",
        "accept-ranges": "bytes",
        "x-content-type-options": "nosniff",
        "access-control-allow-origin": "*",
      });
      expect(res.headers["content-security-policy"]).toContain("sandbox");
    });

    it("answers at the SHA-256 as well as the CID", async () => {
      const res = await t.app.inject({ method: "GET", url: `/media/${data.sha256}` });
      expect(res.rawPayload.equals(png)).toBe(true);
    });

    it("answers 304 to If-None-Match", async () => {
      const res = await get(data.url, { "if-none-match": `W/"x", "${data.sha256}"` });
      expect(res.statusCode).toBe(304);
      expect(res.rawPayload).toHaveLength(0);
    });

    it.each([
      ["bytes=0-9", 0, 9],
      ["bytes=10-", 10, -1],
      ["bytes=-7", -7, -1],
      ["bytes=5-100000", 5, -1],
    ])("answers 206 to Range %s", async (range, from, to) => {
      const res = await get(data.url, { range });
      const start = from < 0 ? png.length + from : from;
      const end = to < 0 ? png.length - 1 : to;
      expect(res.statusCode).toBe(206);
      expect(res.headers["content-range"]).toBe(`bytes ${start}-${end}/${png.length}`);
      expect(res.rawPayload.equals(png.subarray(start, end + 1))).toBe(true);
    });

    it("answers 416 to a range past the end, and 200 when If-Range does not match", async () => {
      const past = await get(data.url, { range: `bytes=${png.length}-` });
      expect(past.statusCode).toBe(416);
      expect(past.headers["content-range"]).toBe(`bytes */${png.length}`);
      const stale = await get(data.url, { range: "bytes=0-1", "if-range": '"other"' });
      expect(stale.statusCode).toBe(200);
    });

    it("answers 404 in the error envelope for unknown content", async () => {
      const res = await t.app.inject({ method: "GET", url: `/media/${"0".repeat(64)}` });
      expect(res.statusCode).toBe(404);
      expect(res.json()).toMatchObject({ success: false, code: "NOT_FOUND" });
    });
  });
});
