import { request as httpRequest, type IncomingMessage } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type MediaTestApp, STORES, startMediaApp } from "../../test/media/kit.js";

const MiB = 1024 * 1024;
// An MP4 file type box: enough for the bytes to be taken as video/mp4.
const MP4_HEAD = Buffer.concat([
  Buffer.from([0, 0, 0, 0x18]),
  Buffer.from("ftypisom\0\0\x02\0isomiso2", "latin1"),
]);
const PNG_HEAD = Buffer.from("89504e470d0a1a0a0000000d49484452", "hex");

interface Sent {
  response: Promise<{ status: number; body: string; headers: IncomingMessage["headers"] }>;
  /**
   * Writes `bytes` of file content after `head`, in 1 MiB chunks, honouring back-pressure; then
   * closes the form unless `finish` is false.
   */
  stream: (head: Buffer, bytes: number, finish?: boolean) => Promise<void>;
  abort: () => void;
  sentBytes: () => number;
}

describe.each(STORES)("streamed uploads on the %s store", (store) => {
  let t: MediaTestApp;
  let key: string;
  let base: string;

  beforeAll(async () => {
    t = await startMediaApp(store, {
      MEDIA_IMAGE_LIMIT_BYTES: String(MiB),
      MEDIA_VIDEO_LIMIT_BYTES: String(2048 * MiB),
    });
    key = await t.key();
    base = await t.app.listen({ host: "127.0.0.1", port: 0 });
  });
  afterAll(() => t?.close());

  /** Starts a multipart upload over a real socket; `length` sets Content-Length (else chunked). */
  function send(fileBytes: number, length?: number): Sent {
    const boundary = "----nftmetastream";
    const opening = Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.bin"\r\n\r\n`,
    );
    const closing = Buffer.from(`\r\n--${boundary}--\r\n`);
    const headers: Record<string, string | number> = {
      authorization: `Bearer ${key}`,
      "x-api-version": "v1",
      "content-type": `multipart/form-data; boundary=${boundary}`,
    };
    headers["content-length"] = length ?? opening.length + fileBytes + closing.length;
    const req = httpRequest(`${base}/api/media`, { method: "POST", headers });
    let sent = 0;
    let answered = false;
    const response = new Promise<{
      status: number;
      body: string;
      headers: IncomingMessage["headers"];
    }>((resolve, reject) => {
      req.on("response", (res) => {
        answered = true;
        let body = "";
        res.on("data", (c) => (body += c));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
      });
      req.on("error", (error) => (answered ? undefined : reject(error)));
    });
    response.catch(() => {});
    const write = (chunk: Buffer) =>
      new Promise<void>((resolve) => {
        sent += chunk.length;
        if (req.write(chunk)) resolve();
        else req.once("drain", resolve);
      });
    const stream = async (head: Buffer, bytes: number, finish = true) => {
      await write(opening);
      await write(head);
      const block = Buffer.alloc(MiB, 7);
      let left = bytes - head.length;
      while (left > 0 && !answered && !req.destroyed) {
        await write(left >= MiB ? block : block.subarray(0, left));
        left -= MiB;
      }
      if (finish && !answered && !req.destroyed) req.end(closing);
    };
    return { response, stream, abort: () => req.destroy(), sentBytes: () => sent };
  }

  async function storeIsEmptyOf(before: string[]) {
    // Give the server a moment to notice an aborted connection and clean up.
    for (let i = 0; i < 50; i++) {
      const now = await t.services.media.store.list();
      if (now.length === before.length) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(await t.services.media.store.list(), "store after").toEqual(before);
  }

  it("refuses a declared length past every limit with 413 before reading the body", async () => {
    const before = await t.services.media.store.list();
    const upload = send(0, 64 * 1024 * MiB);
    upload.stream(MP4_HEAD, 64 * 1024 * MiB).catch(() => {});
    const res = await upload.response;
    upload.abort();
    expect(res.status).toBe(413);
    expect(JSON.parse(res.body)).toMatchObject({ code: "PAYLOAD_TOO_LARGE" });
    expect(res.headers.connection).toBe("close");
    // Far less than the body was sent before the answer came (socket buffers aside).
    expect(upload.sentBytes()).toBeLessThan(64 * MiB);
    await storeIsEmptyOf(before);
  });

  it("answers 413 as soon as a streamed image passes its limit and keeps nothing", async () => {
    const before = await t.services.media.store.list();
    const upload = send(50 * MiB);
    upload.stream(PNG_HEAD, 50 * MiB).catch(() => {});
    const res = await upload.response;
    upload.abort();
    expect(res.status).toBe(413);
    expect(upload.sentBytes()).toBeLessThan(40 * MiB);
    await storeIsEmptyOf(before);
  });

  it("keeps nothing when the client goes away mid-upload", async () => {
    const before = await t.services.media.store.list();
    const upload = send(100 * MiB);
    const streaming = upload.stream(MP4_HEAD, 20 * MiB, false);
    await new Promise((r) => setTimeout(r, 300));
    upload.abort();
    await streaming.catch(() => {});
    await storeIsEmptyOf(before);
    const list = await t.call("GET", "/api/media", { key });
    expect(list.json().data.total).toBe(0);
  });

  it.runIf(store === "local")(
    "streams 1 GiB with the process's memory growing by less than 64 MiB",
    async () => {
      const size = 1024 * MiB;
      global.gc?.();
      const baseline = process.memoryUsage().rss;
      let peak = baseline;
      const sampler = setInterval(() => {
        peak = Math.max(peak, process.memoryUsage().rss);
      }, 20);
      const started = performance.now();
      const upload = send(size);
      await upload.stream(MP4_HEAD, size);
      const res = await upload.response;
      const seconds = (performance.now() - started) / 1000;
      clearInterval(sampler);
      expect(res.status, res.body).toBe(201);
      expect(JSON.parse(res.body).data).toMatchObject({ size, mimeType: "video/mp4" });
      const growthMiB = (peak - baseline) / MiB;
      console.log(
        `1 GiB upload: ${(1024 / seconds).toFixed(0)} MiB/s, RSS growth ${growthMiB.toFixed(1)} MiB`,
      );
      expect(growthMiB).toBeLessThan(64);
    },
    300_000,
  );
});
