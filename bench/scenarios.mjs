import pg from "pg";
import { apiHeaders, COLLECTION } from "./prepare.mjs";

/**
 * Configurations the service is measured in. A scenario is data:
 * - `env` is added to the environment of the service and of the CLI that prepares its data, so
 *   that both reach the same stores (a DATABASE_URL, a REDIS_URL, LOG_LEVEL…);
 * - `requires` names variables of this process without which the scenario cannot run (the URL of
 *   a database server, say); it is then skipped with a message rather than failing the run.
 * A scenario using a shared database server should point at a database of its own, emptied before
 * the run: the import and the key go into it.
 */
export const SCENARIOS = [
  {
    name: "sqlite",
    description: "embedded default: SQLite file in DATA_DIR, rate limits in memory, LOG_LEVEL=warn",
    env: {},
  },
  {
    name: "sqlite-no-activity-log",
    description: "as sqlite, with the activity log of requests off (ACTIVITY_LOG_REQUESTS=false)",
    env: { ACTIVITY_LOG_REQUESTS: "false" },
  },
  {
    name: "postgres-redis",
    description: "scale-out: PostgreSQL database of its own, Redis limits and read cache",
    env: {},
    requires: ["TEST_POSTGRES_URL", "TEST_REDIS_URL"],
    setup: () => postgresDatabase(process.env.TEST_POSTGRES_URL, process.env.TEST_REDIS_URL),
  },
  {
    name: "log-info",
    description: "as sqlite, with LOG_LEVEL=info: one log line per request, written to a file",
    env: { LOG_LEVEL: "info" },
  },
];

export const DEFAULT_SCENARIOS = ["sqlite", "sqlite-no-activity-log", "postgres-redis"];

/** A database made for one run on the shared PostgreSQL server, dropped after it. */
async function postgresDatabase(adminUrl, redisUrl) {
  const name = `nftmeta_bench_${Date.now().toString(36)}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    env: { DATABASE_URL: url.toString(), REDIS_URL: redisUrl },
    teardown: async () => {
      const client = new pg.Client({ connectionString: adminUrl });
      await client.connect();
      await client.query(`drop database if exists ${name} with (force)`);
      await client.end();
    },
  };
}

/**
 * The routes measured against the service. `request` builds the path and headers from the
 * prepared data; each target is compared with a bare route sending the same bytes.
 */
export const TARGETS = [
  {
    name: "api",
    label: "GET /api/metadata/:id",
    request: (data) => ({
      path: `/api/metadata/${data.metadataId}`,
      headers: apiHeaders(data.key),
    }),
  },
  {
    name: "public",
    label: "GET /metadata/:collection/:tokenId",
    request: (data) => ({ path: `/metadata/${COLLECTION}/${data.tokenId}`, headers: {} }),
  },
];

/** The entries of `all` named in the comma-separated variable `name`, or those of `fallback`. */
export function pick(all, name, fallback) {
  const list = process.env[name];
  const names = list ? list.split(",").map((n) => n.trim()) : fallback;
  if (names.includes("all")) return all;
  const unknown = names.filter((n) => !all.some((entry) => entry.name === n));
  if (unknown.length > 0) {
    const known = all.map((entry) => entry.name).join(", ");
    throw new Error(`${name}: unknown ${unknown.join(", ")} (known: ${known}, all)`);
  }
  return all.filter((entry) => names.includes(entry.name));
}

/** The variables a scenario needs that are not set, if any. */
export function missingFor(scenario) {
  return (scenario.requires ?? []).filter((name) => !process.env[name]);
}
