import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { sampleDocument } from "./helpers.js";
import { api, body, runCli, startServerProcess } from "./processes.js";

const dataDir = mkdtempSync(join(tmpdir(), "nftmeta-process-"));
const env = { DATA_DIR: dataDir };
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe("the service as a process", () => {
  it("serves, stops gracefully on SIGTERM, and keeps every answered write across a restart", async () => {
    const first = await startServerProcess(env);
    const { key } = JSON.parse(
      (
        await runCli(
          ["keys", "create", "--name", "e2e", "--scopes", "metadata:read metadata:write", "--json"],
          env,
        )
      ).stdout,
    );
    const collection = await api(first.base, "/api/collections", key, {
      method: "POST",
      body: JSON.stringify({ slug: "kept", name: "Kept", standard: "erc721", public: true }),
    });
    expect(collection.status).toBe(201);
    const writes = await Promise.all(
      Array.from({ length: 50 }, (_, n) =>
        api(first.base, `/api/collections/kept/tokens/${n}`, key, {
          method: "PUT",
          body: JSON.stringify({ document: sampleDocument(n) }),
        }),
      ),
    );
    expect(writes.every((w) => w.status === 201)).toBe(true);
    expect(await first.stop()).toBe(0);

    const second = await startServerProcess(env);
    try {
      const list = await api(second.base, "/api/metadata?collection=kept", key);
      expect((await body(list)).data.total).toBe(50);
      const token = await fetch(`${second.base}/metadata/kept/49.json`);
      expect(await body(token)).toEqual(sampleDocument(49));
    } finally {
      await second.stop();
    }
  });

  it("serves its OpenAPI document and a docs page with no outside assets", async () => {
    const server = await startServerProcess(env);
    try {
      const spec = await body(await fetch(`${server.base}/api/openapi.json`));
      expect(spec.openapi).toBe("3.1.0");
      expect(Object.keys(spec.paths)).toEqual(
        expect.arrayContaining([
          "/api/metadata",
          "/api/metadata/{id}",
          "/metadata/{collection}/{token}",
        ]),
      );
      const page = await fetch(`${server.base}/api/docs`, { redirect: "follow" });
      expect(page.status).toBe(200);
      const html = await page.text();
      expect(html).not.toMatch(/(src|href)="https?:\/\//);
    } finally {
      await server.stop();
    }
  });

  it("logs no key, even when one is sent in the query string", async () => {
    const server = await startServerProcess({ ...env, LOG_LEVEL: "info" });
    const { key } = JSON.parse(
      (
        await runCli(
          ["keys", "create", "--name", "log", "--scopes", "metadata:read", "--json"],
          env,
        )
      ).stdout,
    );
    await api(server.base, "/api/metadata", key);
    await fetch(`${server.base}/api/metadata?api_key=${key}`);
    await fetch(`${server.base}/api/metadata`, { headers: { "x-api-key": key } });
    await server.stop();
    expect(server.output()).toContain('"status":200');
    expect(server.output()).not.toContain(key);
    expect(server.output()).not.toContain(key.slice(5));
  });

  it("loses no activity log entry when stopped gracefully under load", async () => {
    const server = await startServerProcess(env);
    const { key, id } = JSON.parse(
      (
        await runCli(
          ["keys", "create", "--name", "load", "--scopes", "metadata:read", "--json"],
          env,
        )
      ).stdout,
    );
    const answered: number[] = [];
    const load = Array.from({ length: 8 }, async () => {
      for (;;) {
        try {
          const res = await api(server.base, "/api/metadata?limit=1", key);
          await res.arrayBuffer();
          if (res.headers.get("x-request-id")) answered.push(res.status);
        } catch {
          return; // the server has closed
        }
      }
    });
    await new Promise((r) => setTimeout(r, 700));
    const stopped = server.stop();
    await Promise.all(load);
    expect(await stopped).toBe(0);
    expect(answered.length).toBeGreaterThan(50);

    const exported = await runCli(["audit", "export", "--format", "ndjson"], env);
    const logged = exported.stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l))
      .filter((e) => e.kind === "request" && e.keyId === id && e.status === 200);
    expect(logged.length).toBe(answered.filter((s) => s === 200).length);
  });
});
