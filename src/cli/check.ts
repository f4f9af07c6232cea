import { existsSync, statSync } from "node:fs";
import { dirname } from "node:path";
import pino from "pino";
import type { Config } from "../config.js";
import { openDatabase } from "../db/database.js";
import { RedisConnection } from "../redis/connection.js";
import { withTimeout } from "../util/timeout.js";
import { CliError } from "./context.js";

/**
 * Reaches each configured store without changing it: a SQLite file that does not exist yet is
 * not created (only its folder is looked at), and no migration runs.
 */
export async function checkStores(config: Readonly<Config>): Promise<string[]> {
  const lines = [await checkDatabase(config)];
  if (config.redisUrl) lines.push(await checkRedis(config.redisUrl));
  return lines;
}

async function checkDatabase(config: Readonly<Config>): Promise<string> {
  if (config.database.kind === "sqlite" && !existsSync(config.database.file)) {
    const folder = nearestFolder(dirname(config.database.file));
    if (!folder)
      throw new CliError(`DATABASE_URL: no folder on the way to ${config.database.file}`);
    return `sqlite: ${config.database.file} will be created at start`;
  }
  const database = openDatabase(config.database);
  try {
    await database.ping();
    return `${config.database.kind}: the database answers`;
  } catch (error) {
    throw new CliError(`DATABASE_URL: the database does not answer (${(error as Error).message})`);
  } finally {
    await database.close();
  }
}

async function checkRedis(url: string): Promise<string> {
  const redis = new RedisConnection(url, pino({ level: "silent" }));
  try {
    if (!redis.isUp) {
      await withTimeout(
        new Promise((resolve, reject) => {
          redis.client.once("ready", resolve);
          redis.client.once("error", reject);
        }),
        2000,
      );
    }
    await redis.ping(2000);
    return "redis: answers";
  } catch (error) {
    throw new CliError(`REDIS_URL: Redis does not answer (${(error as Error).message})`);
  } finally {
    await redis.close();
  }
}

/** The first existing folder on the way up, which must be a folder. */
function nearestFolder(path: string): string | undefined {
  let current = path;
  while (!existsSync(current)) {
    const parent = dirname(current);
    if (parent === current) return undefined;
    current = parent;
  }
  return statSync(current).isDirectory() ? current : undefined;
}
