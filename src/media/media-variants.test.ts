import { monitorEventLoopDelay } from "node:perf_hooks";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type MediaTestApp, STORES, startMediaApp } from "../../test/media/kit.js";

function noise(width: number, height: number): Promise<Buffer> {
  const pixels = Buffer.alloc(width * height * 3);
  for (let i = 0; i < pixels.length; i++) pixels[i] = (i * 2654435761) >>> 24;
  return sharp(pixels, { raw: { width, height, channels: 3 } })
    .png()
    .toBuffer();
}

describe.each(STORES)("image variants on the %s store", (store) => {
  let t: MediaTestApp;
  let key: string;

  beforeAll(async () => {
    t = await startMediaApp(store, { MEDIA_VARIANT_SIZES: "256,512,1024" });
    key = await t.key();
  });
  afterAll(() => t?.close());

  it("makes WebP and AVIF copies at each size below the long side and lists them", async () => {
    const res = await t.upload(
      [{ name: "file", filename: "wide.png", data: await noise(800, 400) }],
      key,
    );
    expect(res.statusCode, res.body).toBe(201);
    const { id } = res.json().data;
    await t.services.media.idle();

    const details = (await t.call("GET", `/api/media/${id}`, { key })).json().data;
    expect(details.variantsStatus).toBe("ready");
    const listed = details.variants.map((v: { name: string; width: number; height: number }) => [
      v.name,
      v.width,
      v.height,
    ]);
    expect(listed).toEqual([
      ["256.webp", 256, 128],
      ["256.avif", 256, 128],
      ["512.webp", 512, 256],
      ["512.avif", 512, 256],
    ]);
    for (const variant of details.variants) {
      const got = await t.app.inject({ method: "GET", url: new URL(variant.url).pathname });
      expect(got.statusCode).toBe(200);
      expect(got.headers["content-type"]).toBe(variant.mimeType);
      const meta = await sharp(got.rawPayload).metadata();
      expect([meta.width, meta.height]).toEqual([variant.width, variant.height]);
    }
  });

  it("keeps answering requests while variants are made", async () => {
    const res = await t.upload(
      [{ name: "file", filename: "big.png", data: await noise(3000, 2000) }],
      key,
    );
    expect(res.statusCode, res.body).toBe(201);
    const delay = monitorEventLoopDelay({ resolution: 10 });
    delay.enable();
    const started = performance.now();
    let answered = 0;
    const working = t.services.media.idle();
    let done = false;
    working.then(() => (done = true));
    while (!done) {
      expect((await t.call("GET", "/api/media", { key })).statusCode).toBe(200);
      answered++;
      await new Promise((r) => setTimeout(r, 20));
    }
    delay.disable();
    const seconds = (performance.now() - started) / 1000;
    console.log(
      `variants of 3000x2000: ${seconds.toFixed(1)} s, ${answered} requests answered, event loop delay max ${(delay.max / 1e6).toFixed(0)} ms`,
    );
    expect(answered).toBeGreaterThan(5);
    expect(delay.max / 1e6).toBeLessThan(250);
  }, 120_000);

  it("removes the variants with the media", async () => {
    const before = await t.services.media.store.list();
    const res = await t.upload(
      [{ name: "file", filename: "gone.png", data: await noise(600, 300) }],
      key,
    );
    await t.services.media.idle();
    expect((await t.services.media.store.list()).length).toBe(before.length + 1 + 4);
    await t.call("DELETE", `/api/media/${res.json().data.id}`, { key });
    expect(await t.services.media.store.list()).toEqual(before);
  });
});
