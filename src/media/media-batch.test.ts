import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REPO_ROOT } from "../../test/helpers.js";
import { type FormField, type MediaTestApp, STORES, startMediaApp } from "../../test/media/kit.js";

const IN_REPO = join(REPO_ROOT, "test/fixtures/filthy-peasants/images");
const SHARED = resolve(
  REPO_ROOT,
  process.env.SHARED_FIXTURES_DIR ?? "../shared/fixtures/collections",
);
// The published collections live beside the repository; CI must have them, a fresh clone need not.
const sharedPresent = existsSync(SHARED);
if (!sharedPresent && process.env.CI) throw new Error(`shared fixtures not found at ${SHARED}`);

interface Result {
  index: number;
  fileName: string;
  status: number;
  data?: { cid: string; width: number; height: number; mimeType: string };
  error?: { code: string; error?: string };
}

/**
 * The CID `ipfs add --cid-version 1` gives a file of one chunk or less: the raw-codec CIDv1 of its
 * SHA-256, in base32. Written out here apart from cid.ts, so that the two check each other.
 */
function singleChunkCid(data: Buffer): string {
  const bytes = Buffer.concat([
    Buffer.from([0x01, 0x55, 0x12, 0x20]),
    createHash("sha256").update(data).digest(),
  ]);
  let bits = "";
  for (const byte of bytes) bits += byte.toString(2).padStart(8, "0");
  const alphabet = "abcdefghijklmnopqrstuvwxyz234567";
  let out = "b";
  for (let i = 0; i < bits.length; i += 5)
    out += alphabet[Number.parseInt(bits.slice(i, i + 5).padEnd(5, "0"), 2)];
  return out;
}

function imagesOf(folder: string): FormField[] {
  return readdirSync(folder)
    .filter((name) => name.endsWith(".png"))
    .map((name) => ({
      name: "files",
      filename: name,
      type: "image/png",
      data: readFileSync(join(folder, name)),
    }));
}

describe.each(STORES)("media batch on the %s store", (store) => {
  let t: MediaTestApp;
  let key: string;

  beforeAll(async () => {
    t = await startMediaApp(store, { MEDIA_BATCH_MAX_FILES: "400" });
    key = await t.key();
  });
  afterAll(() => t?.close());

  async function batch(
    files: FormField[],
  ): Promise<{ statusCode: number; results: Result[]; body: string }> {
    const res = await t.upload(files, key, "/api/media/batch");
    return { statusCode: res.statusCode, results: res.json().data?.results ?? [], body: res.body };
  }

  it("stores each file on its own and answers one result per file, in order", async () => {
    const files = imagesOf(IN_REPO);
    files.splice(2, 0, { name: "files", filename: "notes.txt", data: "not media" });
    const { statusCode, results, body } = await batch(files);
    expect(statusCode, body).toBe(200);
    expect(results.map((r) => [r.index, r.fileName, r.status])).toEqual(
      files.map((f, i) => [i, f.filename, f.filename === "notes.txt" ? 415 : 201]),
    );
    expect(results[2]?.error?.code).toBe("UNSUPPORTED_MEDIA_TYPE");
    for (const [i, r] of results.entries()) {
      if (r.status !== 201) continue;
      expect(r.data).toMatchObject({
        width: 420,
        height: 420,
        cid: singleChunkCid(files[i]?.data as Buffer),
      });
    }
  });

  it("refuses more files than MEDIA_BATCH_MAX_FILES with 413 and keeps none of them", async () => {
    const small = await startMediaApp("local", { MEDIA_BATCH_MAX_FILES: "2" });
    try {
      const k = await small.key();
      const res = await small.upload(imagesOf(IN_REPO).slice(0, 3), k, "/api/media/batch");
      expect(res.statusCode, res.body).toBe(413);
      expect((await small.call("GET", "/api/media", { key: k })).json().data.total).toBe(0);
      expect(await small.services.media.store.list()).toEqual([]);
    } finally {
      await small.close();
    }
  });

  it.skipIf(!sharedPresent)(
    "takes the published collections' images with their dimensions and CIDs",
    async () => {
      const collections = [
        { slug: "filthy-peasants", count: 333, width: 420, height: 420 },
        { slug: "crypto-poker-cards", count: 55, width: 300, height: 400 },
      ];
      for (const c of collections) {
        const files = imagesOf(join(SHARED, c.slug, "images"));
        expect(files).toHaveLength(c.count);
        const { statusCode, results, body } = await batch(files);
        expect(statusCode, body.slice(0, 300)).toBe(200);
        expect(results).toHaveLength(c.count);
        for (const [i, r] of results.entries()) {
          const data = files[i]?.data as Buffer;
          expect(r.status, `${c.slug}/${r.fileName}: ${JSON.stringify(r.error)}`).toBe(201);
          expect(r.data).toMatchObject({
            mimeType: "image/png",
            width: c.width,
            height: c.height,
            cid: singleChunkCid(data),
          });
        }
      }
    },
    120_000,
  );
});
