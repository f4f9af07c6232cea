import type { Command } from "commander";
import { createKey, listKeys, revokeKey } from "../keys/key-store.js";
import { parseScopes } from "../keys/scopes.js";
import { CliError, parseDuration, withDatabase } from "./context.js";

interface CreateOptions {
  name: string;
  scopes: string;
  rateLimit?: string;
  expiresIn?: string;
  json?: boolean;
}

export function keysCommand(program: Command): void {
  const keys = program.command("keys").description("create, list and revoke API keys");

  keys
    .command("create")
    .description("create a key; its value is printed once and never again")
    .requiredOption("--name <name>", "a name to tell the key apart")
    .requiredOption("--scopes <scopes>", 'space-separated, e.g. "metadata:read metadata:write"')
    .option("--rate-limit <n>", "requests per hour (default: RATE_LIMIT_PER_HOUR)")
    .option("--expires-in <duration>", "e.g. 30d, 12h")
    .option("--json", "print one JSON line")
    .action(async (options: CreateOptions) => {
      const { scopes, unknown } = parseScopes(options.scopes);
      if (unknown.length > 0) throw new CliError(`unknown scope: ${unknown.join(", ")}`);
      if (scopes.length === 0) throw new CliError("--scopes names no scope");
      const rateLimit = options.rateLimit === undefined ? null : parsePositive(options.rateLimit);
      const expiresAt = options.expiresIn
        ? new Date(Date.now() + parseDuration(options.expiresIn)).toISOString()
        : null;
      const name = options.name.trim();
      if (!name) throw new CliError("--name is empty");
      const { apiKey, key } = await withDatabase(({ database }) =>
        createKey(database.db, { name, scopes, rateLimit, expiresAt }),
      );
      if (options.json) {
        console.log(JSON.stringify({ ...apiKey, key }));
        return;
      }
      console.log(key);
      console.error(
        `\nCreated ${apiKey.id} (${apiKey.name}) with ${apiKey.scopes.join(" ")}.` +
          "\nThis is the only time the key is shown: store it now.",
      );
    });

  keys
    .command("list")
    .description("list keys (never their values)")
    .option("--json", "print JSON")
    .action(async (options: { json?: boolean }) => {
      const all = await withDatabase(({ database }) => listKeys(database.db));
      if (options.json) {
        console.log(JSON.stringify(all));
        return;
      }
      if (all.length === 0) console.log("no keys");
      for (const k of all) {
        const status = k.revokedAt ? "revoked" : isExpired(k.expiresAt) ? "expired" : "active";
        console.log(
          [k.id, k.prefix, status, k.name, k.scopes.join(","), k.lastUsedAt ?? "never used"].join(
            "\t",
          ),
        );
      }
    });

  keys
    .command("revoke <id>")
    .description("revoke a key at once")
    .action(async (id: string) => {
      const key = await withDatabase(({ database }) => revokeKey(database.db, id));
      console.log(`revoked ${key.id} (${key.name})`);
    });
}

function parsePositive(text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new CliError(`'${text}' is not a whole number above 0`);
  return n;
}

function isExpired(expiresAt: string | null): boolean {
  return expiresAt !== null && Date.parse(expiresAt) <= Date.now();
}
