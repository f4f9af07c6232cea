import pino from "pino";
import { type Config, loadDotEnv, readConfig } from "../config.js";
import { type DatabaseHandle, migrateToLatest, openDatabase } from "../db/database.js";
import { AppError } from "../errors.js";
import { openSharedState, type SharedState } from "../shared-state.js";

/** What a command works with: the same configuration and database as `npm start`. */
export interface CliContext {
  config: Readonly<Config>;
  database: DatabaseHandle;
  /** Counters and the read cache shared with running servers, when Redis is configured. */
  shared: SharedState;
}

/** Runs a command against the configured database, which it brings up to date first. */
export async function withDatabase<T>(run: (ctx: CliContext) => Promise<T>): Promise<T> {
  loadDotEnv();
  const config = readConfig();
  const database = openDatabase(config.database);
  const shared = openSharedState(config, pino({ level: "warn" }, pino.destination(2)));
  try {
    await migrateToLatest(database.db);
    return await run({ config, database, shared });
  } finally {
    await shared.close();
    await database.close();
  }
}

/** A command's failure that is the user's to fix: printed without a stack, exit code 1. */
export class CliError extends Error {}

export function describeError(error: unknown): string {
  if (error instanceof AppError) {
    const details = error.details?.map((d) => `\n  ${d.path}: ${d.message}`).join("") ?? "";
    return `${error.message}${details}`;
  }
  if (error instanceof Error) return error.message;
  return String(error);
}

/** Parses `30d`, `12h`, `45m`, `90s` or `2w` into milliseconds. */
export function parseDuration(text: string): number {
  const match = /^(\d+)\s*([smhdw])$/.exec(text.trim());
  if (!match) throw new CliError(`'${text}' is not a duration such as 30d, 12h, 45m or 90s`);
  const unit = { s: 1, m: 60, h: 3600, d: 86_400, w: 604_800 }[match[2] as "s"];
  return Number(match[1]) * unit * 1000;
}
