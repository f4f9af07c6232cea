import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freshDatabase, sampleDocument, type TestDatabase } from "./helpers.js";
import {
  api,
  body,
  freePort,
  runCli,
  type ServerProcess,
  startServerProcess,
} from "./processes.js";
import { TcpProxy } from "./tcp-proxy.js";

// Several real server processes on one PostgreSQL and one Redis behave as one service. CI sets
// both URLs; without them here the suite is skipped, and in CI their absence fails it.
const POSTGRES = process.env.TEST_POSTGRES_URL;
const REDIS = process.env.TEST_REDIS_URL;
const ready = Boolean(POSTGRES && REDIS);

if (!ready && process.env.CI) {
  it("has PostgreSQL and Redis for the scale-out suite", () => {
    expect.fail("set TEST_POSTGRES_URL and TEST_REDIS_URL");
  });
}

describe.skipIf(!ready)("several instances on PostgreSQL and Redis", () => {
  const dataDir = mkdtempSync(join(tmpdir(), "nftmeta-scale-"));
  let database: TestDatabase;
  let env: Record<string, string>;
  let servers: ServerProcess[] = [];
  let admin: string;

  beforeAll(async () => {
    database = await freshDatabase("postgres", dataDir);
    env = {
      DATA_DIR: dataDir,
      DATABASE_URL: database.url,
      REDIS_URL: `${REDIS}/${7}`,
      AUTH_SECRET: "a".repeat(64),
    };
    expect((await runCli(["migrate"], env)).code).toBe(0);
    servers = await Promise.all([0, 1, 2].map(() => startServerProcess(env)));
    admin = JSON.parse(
      (
        await runCli(
          [
            "keys",
            "create",
            "--name",
            "admin",
            "--scopes",
            "metadata:read metadata:write keys:manage",
            "--json",
          ],
          env,
        )
      ).stdout,
    ).key;
    const res = await call(0, "POST", "/api/collections", {
      slug: "shared",
      name: "Shared",
      standard: "erc721",
      public: true,
    });
    expect(res.status).toBe(201);
  }, 60_000);

  afterAll(async () => {
    await Promise.all(servers.map((s) => s.stop()));
    await database?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  function call(i: number, method: string, path: string, json?: unknown, key = admin) {
    const server = servers[i % servers.length];
    if (!server) throw new Error("no server");
    return api(server.base, path, key, {
      method,
      ...(json === undefined ? {} : { body: JSON.stringify(json) }),
    });
  }

  it("admits exactly the limit across instances: 100 of 300", async () => {
    const created = await body(
      await call(0, "POST", "/api/keys", {
        name: "burst",
        scopes: ["metadata:read"],
        rateLimit: 100,
      }),
    );
    const key = created.data.key;
    const all = await Promise.all(
      Array.from({ length: 300 }, (_, i) =>
        call(i, "GET", "/api/metadata?limit=1", undefined, key),
      ),
    );
    const statuses = all.map((r) => r.status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(100);
    expect(statuses.filter((s) => s === 429)).toHaveLength(200);
    const last = all.find((r) => r.status === 429);
    expect(last?.headers.get("x-ratelimit-remaining")).toBe("0");
  });

  it("serves a write from every instance as soon as it is answered", async () => {
    const put = await call(0, "PUT", "/api/collections/shared/tokens/1", {
      document: sampleDocument(1),
    });
    const { id } = (await body(put)).data;
    for (let round = 2; round < 6; round++) {
      // Every instance reads (and caches) the current version first.
      for (const i of [1, 2]) {
        await call(i, "GET", `/api/metadata/${id}`);
        await fetch(`${servers[i]?.base}/metadata/shared/1`);
      }
      const doc = { ...sampleDocument(1), name: `round ${round}` };
      const written = await call(round % 3, "PUT", `/api/metadata/${id}`, { document: doc });
      expect(written.status).toBe(200);
      for (const server of servers) {
        const byId = await body(await api(server.base, `/api/metadata/${id}`, admin));
        expect(byId.data.document.name).toBe(`round ${round}`);
        const pub = await body(await fetch(`${server.base}/metadata/shared/1.json`));
        expect(pub.name).toBe(`round ${round}`);
      }
    }
  });

  it("stops serving a token on every instance once its collection is made private", async () => {
    await call(0, "PUT", "/api/collections/shared/tokens/2", { document: sampleDocument(2) });
    for (const server of servers)
      expect((await fetch(`${server.base}/metadata/shared/2`)).status).toBe(200);
    await call(1, "PATCH", "/api/collections/shared", { public: false });
    for (const server of servers)
      expect((await fetch(`${server.base}/metadata/shared/2`)).status).toBe(404);
    await call(2, "PATCH", "/api/collections/shared", { public: true });
  });

  it("stops a key revoked on one instance on the others within a second", async () => {
    const created = await body(
      await call(0, "POST", "/api/keys", { name: "gone", scopes: ["metadata:read"] }),
    );
    const { id, key } = created.data;
    for (const i of [0, 1, 2])
      expect((await call(i, "GET", "/api/metadata", undefined, key)).status).toBe(200);
    expect((await call(0, "DELETE", `/api/keys/${id}`)).status).toBe(200);
    await new Promise((r) => setTimeout(r, 1000));
    for (const i of [0, 1, 2])
      expect((await call(i, "GET", "/api/metadata", undefined, key)).status).toBe(401);
  });

  it("keeps answering when Redis goes away, says degraded, and recovers when it returns", async () => {
    const redisPort = Number(new URL(REDIS ?? "").port || 6379);
    const proxy = new TcpProxy(await freePort(), redisPort);
    await proxy.start();
    const server = await startServerProcess({
      ...env,
      REDIS_URL: `redis://127.0.0.1:${proxy.port}/7`,
    });
    try {
      const health = async () => (await body(await fetch(`${server.base}/api/health`))).data.status;
      expect(await health()).toBe("ok");
      await proxy.stop();
      await new Promise((r) => setTimeout(r, 300));
      for (let i = 0; i < 5; i++) {
        expect((await api(server.base, "/api/metadata?limit=1", admin)).status).toBe(200);
      }
      expect(await health()).toBe("degraded");
      await proxy.start();
      const deadline = Date.now() + 10_000;
      while ((await health()) !== "ok" && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 200));
      expect(await health()).toBe("ok");
      await server.stop();
      const warnings = server
        .output()
        .split("\n")
        .filter((l) => l.includes("redis unreachable"));
      expect(warnings).toHaveLength(1);
    } finally {
      await server.stop();
      await proxy.stop();
    }
  });

  it("answers an instance pointed at a dead Redis port", async () => {
    const server = await startServerProcess({
      ...env,
      REDIS_URL: `redis://127.0.0.1:${await freePort()}`,
    });
    try {
      expect((await api(server.base, "/api/metadata?limit=1", admin)).status).toBe(200);
      const health = await body(await fetch(`${server.base}/api/health`));
      expect(health.data.status).toBe("degraded");
    } finally {
      await server.stop();
    }
  });

  it("answers 503 on health and clean errors while PostgreSQL is away, then recovers", async () => {
    const pgUrl = new URL(database.url);
    const proxy = new TcpProxy(await freePort(), Number(pgUrl.port || 5432));
    await proxy.start();
    pgUrl.port = String(proxy.port);
    const server = await startServerProcess({ ...env, DATABASE_URL: pgUrl.toString() });
    try {
      expect((await api(server.base, "/api/metadata?limit=1", admin)).status).toBe(200);
      await proxy.stop();
      const health = await fetch(`${server.base}/api/health`);
      expect(health.status).toBe(503);
      const read = await api(server.base, "/api/metadata?limit=1", admin);
      expect(read.status).toBe(503);
      expect(await body(read)).toMatchObject({ success: false, code: "SERVICE_UNAVAILABLE" });
      await proxy.start();
      const deadline = Date.now() + 10_000;
      let status = 0;
      while (status !== 200 && Date.now() < deadline) {
        status = (await api(server.base, "/api/metadata?limit=1", admin)).status;
        if (status !== 200) await new Promise((r) => setTimeout(r, 200));
      }
      expect(status).toBe(200);
      expect((await fetch(`${server.base}/api/health`)).status).toBe(200);
    } finally {
      await server.stop();
      await proxy.stop();
    }
  });

  it("runs several workers on one machine with SQLite, sharing limits through Redis", async () => {
    const local = mkdtempSync(join(tmpdir(), "nftmeta-workers-"));
    const workerEnv = { DATA_DIR: local, REDIS_URL: `${REDIS}/7`, WORKERS: "2" };
    const server = await startServerProcess(workerEnv);
    try {
      const { key } = JSON.parse(
        (
          await runCli(
            [
              "keys",
              "create",
              "--name",
              "w",
              "--scopes",
              "metadata:read",
              "--rate-limit",
              "20",
              "--json",
            ],
            workerEnv,
          )
        ).stdout,
      );
      const all = await Promise.all(
        Array.from({ length: 60 }, () => api(server.base, "/api/metadata?limit=1", key)),
      );
      expect(all.filter((r) => r.status === 200)).toHaveLength(20);
    } finally {
      expect(await server.stop()).toBe(0);
      rmSync(local, { recursive: true, force: true });
    }
  });
});
