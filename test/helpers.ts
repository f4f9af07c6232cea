import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { FastifyInstance, LightMyRequestResponse } from "fastify";
import pg from "pg";
import { buildApp } from "../src/app.js";
import { readConfig } from "../src/config.js";
import { migrateToLatest, openDatabase } from "../src/db/database.js";
import { createKey } from "../src/keys/key-store.js";
import { SCOPES, type Scope } from "../src/keys/scopes.js";
import { createServices, type Services, startServices, stopServices } from "../src/services.js";
import { logStream, rememberKey } from "./run-output.js";

export { REPO_ROOT } from "./paths.js";
export const ALL_SCOPES: Scope[] = [...SCOPES];

export type DatabaseKind = "sqlite" | "postgres";

/**
 * The databases every database test runs on: SQLite always, PostgreSQL when TEST_POSTGRES_URL
 * names a server (CI sets it; there a missing server fails the run rather than skipping it).
 */
export const DATABASES: DatabaseKind[] = process.env.TEST_POSTGRES_URL
  ? ["sqlite", "postgres"]
  : ["sqlite"];

export interface TestDatabase {
  url: string;
  drop: () => Promise<void>;
}

/** A fresh database for one test file: a SQLite file, or a PostgreSQL database made and dropped. */
export async function freshDatabase(kind: DatabaseKind, dir: string): Promise<TestDatabase> {
  if (kind === "sqlite") return { url: `file:${join(dir, "test.sqlite")}`, drop: async () => {} };
  const adminUrl = process.env.TEST_POSTGRES_URL;
  if (!adminUrl) throw new Error("TEST_POSTGRES_URL is not set");
  const name = `nftmeta_test_${randomBytes(6).toString("hex")}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const client = new pg.Client({ connectionString: adminUrl });
      await client.connect();
      await client.query(`drop database if exists ${name} with (force)`);
      await client.end();
    },
  };
}

export interface TestApp {
  app: FastifyInstance;
  services: Services;
  dataDir: string;
  /** Creates a key with the given scopes (all by default) and returns its value. */
  key: (scopes?: Scope[], options?: { rateLimit?: number; expiresAt?: string }) => Promise<string>;
  /** Injects a v1 request; `headers` override or remove (undefined) the defaults. */
  call: (method: string, url: string, options?: CallOptions) => Promise<LightMyRequestResponse>;
  close: () => Promise<void>;
}

export interface CallOptions {
  key?: string;
  body?: unknown;
  payload?: string | Buffer;
  headers?: Record<string, string | undefined>;
}

/** Builds the whole service in process on a fresh database, as `npm start` would. */
export async function startTestApp(
  options: { database?: DatabaseKind; env?: Record<string, string> } = {},
): Promise<TestApp> {
  const dataDir = mkdtempSync(join(tmpdir(), "nftmeta-test-"));
  const database = await freshDatabase(options.database ?? "sqlite", dataDir);
  const config = readConfig({
    DATA_DIR: dataDir,
    DATABASE_URL: database.url,
    LOG_LEVEL: "info",
    ...options.env,
  });
  const handle = openDatabase(config.database);
  await migrateToLatest(handle.db);
  const services = createServices(config, handle, { logStream: logStream("app") });
  await startServices(services);
  const app = await buildApp(services);
  await app.ready();

  const key: TestApp["key"] = async (scopes = ALL_SCOPES, opts = {}) => {
    const created = await createKey(handle.db, { name: "test", scopes, ...opts });
    rememberKey(created.key);
    return created.key;
  };
  const call: TestApp["call"] = (method, url, opts = {}) => inject(app, method, url, opts);
  const close = async () => {
    await app.close();
    await stopServices(services);
    await handle.close();
    await database.drop();
    rmSync(dataDir, { recursive: true, force: true });
  };
  return { app, services, dataDir, key, call, close };
}

export function inject(
  app: FastifyInstance,
  method: string,
  url: string,
  options: CallOptions = {},
): Promise<LightMyRequestResponse> {
  const headers: Record<string, string> = { "x-api-version": "v1" };
  if (options.key) headers.authorization = `Bearer ${options.key}`;
  if (options.body !== undefined) headers["content-type"] = "application/json";
  for (const [name, value] of Object.entries(options.headers ?? {})) {
    if (value === undefined) delete headers[name];
    else headers[name] = value;
  }
  const payload =
    options.payload ?? (options.body === undefined ? undefined : JSON.stringify(options.body));
  return app.inject({
    method: method as "GET",
    url,
    headers,
    ...(payload === undefined ? {} : { payload }),
  });
}

/** A token document in the shape generators write. */
export function sampleDocument(n: number): Record<string, unknown> {
  return {
    name: `Token #${n}`,
    description: "A token made for a test",
    image: `ipfs://bafybeia63b5uwzf5ipqcgicy3vujv6ak7czf7juej6mte775p6un7ergri/${n}.png`,
    attributes: [
      { trait_type: "Background", value: n % 2 === 0 ? "Blue" : "Red" },
      { trait_type: "Level", value: n, display_type: "number" },
    ],
  };
}

/** A request entry of the activity log, as the writer takes it. */
export function auditEntry(requestId: string) {
  return {
    kind: "request" as const,
    request_id: requestId,
    key_id: null,
    user_id: null,
    method: "GET",
    route: "/api/metadata",
    path: "/api/metadata",
    status: 200,
    latency_ms: 1,
    ip: "127.0.0.1",
    user_agent: null,
    reason: null,
    action: null,
    target: null,
    before: null,
    after: null,
  };
}
