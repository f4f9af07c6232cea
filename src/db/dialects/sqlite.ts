import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import SqliteDatabase from "better-sqlite3";
import { type Dialect, SqliteDialect } from "kysely";

/** The embedded default: one SQLite file, written ahead and synced on every commit. */
export function sqliteDialect(file: string): { dialect: Dialect; ping: () => Promise<void> } {
  mkdirSync(dirname(file), { recursive: true });
  const database = new SqliteDatabase(file);
  database.pragma("journal_mode = WAL");
  // FULL: a commit that was answered survives a power cut, not only a crash of the process.
  database.pragma("synchronous = FULL");
  database.pragma("foreign_keys = ON");
  // The CLI may write while the server runs; wait for the lock rather than fail.
  database.pragma("busy_timeout = 5000");
  const ping = async () => {
    database.prepare("select 1").get();
  };
  return { dialect: new SqliteDialect({ database }), ping };
}
