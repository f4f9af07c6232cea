import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import SqliteDatabase from "better-sqlite3";
import { SqliteDialect } from "kysely";
import type { DialectParts } from "./parts.js";
import { sqliteBatchWriter } from "./sqlite-writer.js";

/** Prepared statements kept at most: Kysely writes a handful of distinct statements per route. */
const STATEMENTS = 500;

/** The embedded default: one SQLite file, written ahead and synced on every commit. */
export function sqliteDialect(file: string): DialectParts {
  mkdirSync(dirname(file), { recursive: true });
  const database = new SqliteDatabase(file);
  database.pragma("journal_mode = WAL");
  // FULL: a commit that was answered survives a power cut, not only a crash of the process.
  database.pragma("synchronous = FULL");
  database.pragma("foreign_keys = ON");
  // The CLI may write while the server runs; wait for the lock rather than fail.
  database.pragma("busy_timeout = 5000");
  const prepare = statementCache(database);
  // The hot reads go through a connection of their own: on Kysely's, a read could land inside a
  // transaction that is still open and see rows that are not committed yet. In WAL mode a reader
  // sees the last commit and never waits for the writer.
  const reader = new SqliteDatabase(file, { readonly: true });
  reader.pragma("busy_timeout = 5000");
  const prepareRead = statementCache(reader);
  const batchWriter = sqliteBatchWriter(file);
  return {
    batchWriter,
    // Kysely prepares every query anew; preparing costs more than running a lookup by key.
    dialect: new SqliteDialect({
      database: {
        // Kysely opens transactions with a plain (deferred) BEGIN. Under WAL, a deferred
        // transaction that has read and then writes fails at once with SQLITE_BUSY when another
        // connection (the CLI, the log writer) committed in between; IMMEDIATE takes the write
        // lock first and waits its turn through the busy timeout instead.
        prepare: (sql: string) => prepare(sql === "begin" ? "begin immediate" : sql),
        close: () => {
          void batchWriter.close();
          reader.close();
          database.close();
        },
      },
    }),
    ping: async () => {
      prepare("select 1").get();
    },
    query: async (sql, parameters) => prepareRead(sql).all(parameters),
  };
}

/** Prepares each distinct statement once, keeping the most recently used ones. */
function statementCache(database: SqliteDatabase.Database) {
  const cache = new Map<string, SqliteDatabase.Statement>();
  return (sql: string): SqliteDatabase.Statement => {
    let statement = cache.get(sql);
    if (statement) {
      cache.delete(sql);
    } else {
      statement = database.prepare(sql);
      if (cache.size >= STATEMENTS) {
        const oldest = cache.keys().next().value;
        if (oldest !== undefined) cache.delete(oldest);
      }
    }
    cache.set(sql, statement);
    return statement;
  };
}
