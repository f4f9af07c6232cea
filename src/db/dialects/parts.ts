import type { Dialect } from "kysely";

/** Runs SQL that Kysely compiled once, with new parameters: the hot read paths' way in. */
export type FastQuery = (sql: string, parameters: readonly unknown[]) => Promise<unknown[]>;

/** Writes batches of rows with one prepared statement, in one transaction per batch. */
export interface BatchWriter {
  write(sql: string, rows: unknown[][]): Promise<void>;
  close(): Promise<void>;
}

/** What each database's module gives the rest of the service. */
export interface DialectParts {
  dialect: Dialect;
  /** Resolves when the database answers. */
  ping: () => Promise<void>;
  query: FastQuery;
  /** Bulk appends off the main thread, where the database needs the process to do the work. */
  batchWriter?: BatchWriter;
}
