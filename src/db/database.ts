import { CompiledQuery, Kysely, type Migration, type MigrationProvider, Migrator } from "kysely";
import type { DatabaseConfig } from "../config.js";
import type { BatchWriter, FastQuery } from "./dialects/parts.js";

export type { BatchWriter, FastQuery };

import { postgresDialect } from "./dialects/postgres.js";
import { sqliteDialect } from "./dialects/sqlite.js";
import * as initial from "./migrations/0001-initial.js";
import * as media from "./migrations/0002-media.js";
import * as keysAudit from "./migrations/0003-keys-audit.js";
import * as auth from "./migrations/0004-auth.js";
import type { Database } from "./schema.js";

export type Db = Kysely<Database>;

export interface DatabaseHandle {
  db: Db;
  kind: DatabaseConfig["kind"];
  /** Resolves when the database answers; rejects otherwise. */
  ping: () => Promise<void>;
  /** Runs SQL compiled once by Kysely with new parameters, for the hot read paths. */
  query: FastQuery;
  /** Appends rows off the main thread when the database needs the process to do the work. */
  batchWriter: BatchWriter | undefined;
  close: () => Promise<void>;
}

/** Opens the configured database. Migrations are not run here: see migrateToLatest. */
export function openDatabase(config: DatabaseConfig): DatabaseHandle {
  const { dialect, ping, query, batchWriter } =
    config.kind === "sqlite" ? sqliteDialect(config.file) : postgresDialect(config.url);
  const db = new Kysely<Database>({ dialect });
  return { db, kind: config.kind, ping, query, batchWriter, close: () => db.destroy() };
}

/** FastQuery through Kysely itself, for callers given only a Kysely instance. */
export function kyselyQuery(db: Db): FastQuery {
  return async (sql, parameters) =>
    (await db.executeQuery(CompiledQuery.raw(sql, [...parameters]))).rows;
}

// Listed in code rather than read from a folder, so that the built service needs no file lookups.
const migrations: Record<string, Migration> = {
  "0001-initial": initial,
  "0002-media": media,
  "0003-keys-audit": keysAudit,
  "0004-auth": auth,
};

const provider: MigrationProvider = { getMigrations: async () => migrations };

/** Applies every migration not yet applied. Safe to run again and from several processes. */
export async function migrateToLatest(db: Db): Promise<string[]> {
  const migrator = new Migrator({ db, provider });
  const { error, results } = await migrator.migrateToLatest();
  if (error) throw error;
  return (results ?? []).filter((r) => r.status === "Success").map((r) => r.migrationName);
}
