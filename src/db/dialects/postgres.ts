import { PostgresDialect } from "kysely";
import pg from "pg";
import type { DialectParts } from "./parts.js";

// int8 columns (chain ids) come back as strings by default; ours all fit in a double.
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v));

/** PostgreSQL, for several instances sharing one database. */
export function postgresDialect(url: string): DialectParts {
  const pool = new pg.Pool({ connectionString: url, max: 10, connectionTimeoutMillis: 2000 });
  // An idle client that loses its connection must not crash the process.
  pool.on("error", () => {});
  return {
    dialect: new PostgresDialect({ pool }),
    ping: async () => {
      await pool.query("select 1");
    },
    query: async (sql, parameters) => (await pool.query(sql, [...parameters])).rows,
  };
}
