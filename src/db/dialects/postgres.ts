import { type Dialect, PostgresDialect } from "kysely";
import pg from "pg";

// int8 columns (chain ids) come back as strings by default; ours all fit in a double.
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v));

/** PostgreSQL, for several instances sharing one database. */
export function postgresDialect(url: string): { dialect: Dialect; ping: () => Promise<void> } {
  const pool = new pg.Pool({ connectionString: url, max: 10, connectionTimeoutMillis: 2000 });
  // An idle client that loses its connection must not crash the process.
  pool.on("error", () => {});
  const ping = async () => {
    await pool.query("select 1");
  };
  return { dialect: new PostgresDialect({ pool }), ping };
}
