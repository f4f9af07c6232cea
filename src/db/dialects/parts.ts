import type { Dialect } from "kysely";

/** Runs SQL that Kysely compiled once, with new parameters: the hot read paths' way in. */
export type FastQuery = (sql: string, parameters: readonly unknown[]) => Promise<unknown[]>;

/** What each database's module gives the rest of the service. */
export interface DialectParts {
  dialect: Dialect;
  /** Resolves when the database answers. */
  ping: () => Promise<void>;
  query: FastQuery;
}
