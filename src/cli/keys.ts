import type { Command } from "commander";
import { AuditLog } from "../audit/audit-log.js";
import { cidrProblem } from "../keys/ip-allowlist.js";
import {
  type ApiKey,
  createKey,
  getKey,
  type KeyChanges,
  listKeys,
  revokeKey,
  rotateKey,
  updateKey,
} from "../keys/key-store.js";
import { parseScopes } from "../keys/scopes.js";
import { type CliContext, CliError, parseDuration, withDatabase } from "./context.js";

interface CreateOptions {
  name: string;
  scopes: string;
  rateLimit?: string;
  expiresIn?: string;
  ipAllow?: string;
  json?: boolean;
}

interface UpdateOptions {
  name?: string;
  rateLimit?: string;
  expiresIn?: string;
  ipAllow?: string;
  enable?: boolean;
  disable?: boolean;
}

export function keysCommand(program: Command): void {
  const keys = program
    .command("keys")
    .description("create, list, update, rotate and revoke API keys");

  keys
    .command("create")
    .description("create a key; its value is printed once and never again")
    .requiredOption("--name <name>", "a name to tell the key apart")
    .requiredOption("--scopes <scopes>", 'space-separated, e.g. "metadata:read metadata:write"')
    .option("--rate-limit <n>", "requests per hour (default: RATE_LIMIT_PER_HOUR)")
    .option("--expires-in <duration>", "e.g. 30d, 12h")
    .option("--ip-allow <cidrs>", "comma-separated addresses or CIDR blocks allowed to use it")
    .option("--json", "print one JSON line")
    .action(async (options: CreateOptions) => {
      const { scopes, unknown } = parseScopes(options.scopes);
      if (unknown.length > 0) throw new CliError(`unknown scope: ${unknown.join(", ")}`);
      if (scopes.length === 0) throw new CliError("--scopes names no scope");
      const name = options.name.trim();
      if (!name) throw new CliError("--name is empty");
      const settings = parseSettings(options);
      const { apiKey, key } = await withDatabase(async (ctx) => {
        const created = await createKey(ctx.database.db, {
          ...settings,
          name,
          scopes,
          createdBy: "cli",
        });
        await recordEvent(ctx, "key.created", null, created.apiKey);
        return created;
      });
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
        const fields = [
          k.id,
          k.prefix,
          statusOf(k),
          k.name,
          k.scopes.join(","),
          k.lastUsedAt ?? "never used",
        ];
        console.log(fields.join("\t"));
      }
    });

  keys
    .command("update <id>")
    .description("change a key's name, rate limit, expiry, allowlist or enabled state")
    .option("--name <name>", "a new name")
    .option("--rate-limit <n>", "requests per hour")
    .option("--expires-in <duration>", "expire this long from now, e.g. 30d")
    .option("--ip-allow <cidrs>", 'comma-separated CIDR blocks; "" allows any address')
    .option("--enable", "let the key be used again")
    .option("--disable", "refuse the key until it is enabled")
    .action(async (id: string, options: UpdateOptions) => {
      if (options.enable && options.disable)
        throw new CliError("--enable and --disable exclude each other");
      const changes: KeyChanges = parseSettings(options);
      if (options.name !== undefined) changes.name = options.name;
      if (options.enable || options.disable) changes.enabled = Boolean(options.enable);
      if (Object.keys(changes).length === 0) throw new CliError("nothing to change");
      const key = await withDatabase(async (ctx) => {
        const before = await getKey(ctx.database.db, id);
        const after = await updateKey(ctx.database.db, id, changes);
        await recordEvent(ctx, "key.updated", before, after);
        return after;
      });
      console.log(`updated ${key.id} (${key.name}): ${statusOf(key)}`);
    });

  keys
    .command("rotate <id>")
    .description("issue a new key with the same settings; the old one lives for the grace period")
    .option(
      "--grace <duration>",
      "how long the old key keeps working, e.g. 24h (0 revokes it now)",
      "24h",
    )
    .option("--json", "print one JSON line")
    .action(async (id: string, options: { grace: string; json?: boolean }) => {
      const graceMs = options.grace === "0" ? 0 : parseDuration(options.grace);
      const rotated = await withDatabase(async (ctx) => {
        const before = await getKey(ctx.database.db, id);
        const result = await rotateKey(ctx.database.db, id, graceMs, "cli");
        await recordEvent(ctx, "key.rotated", before, result.previous);
        await recordEvent(ctx, "key.created", null, result.apiKey);
        return result;
      });
      if (options.json) {
        console.log(
          JSON.stringify({ ...rotated.apiKey, key: rotated.key, previous: rotated.previous }),
        );
        return;
      }
      console.log(rotated.key);
      const until = rotated.previous.revokedAt
        ? "is revoked"
        : `works until ${rotated.previous.expiresAt}`;
      console.error(`\nCreated ${rotated.apiKey.id}; the old key ${rotated.previous.id} ${until}.`);
    });

  keys
    .command("revoke <id>")
    .description("revoke a key at once")
    .action(async (id: string) => {
      const key = await withDatabase(async (ctx) => {
        const before = await getKey(ctx.database.db, id);
        const after = await revokeKey(ctx.database.db, id);
        await recordEvent(ctx, "key.revoked", before, after);
        return after;
      });
      console.log(`revoked ${key.id} (${key.name})`);
    });
}

function parseSettings(options: { rateLimit?: string; expiresIn?: string; ipAllow?: string }) {
  const settings: KeyChanges = {};
  if (options.rateLimit !== undefined) settings.rateLimit = parsePositive(options.rateLimit);
  if (options.expiresIn !== undefined) {
    settings.expiresAt = new Date(Date.now() + parseDuration(options.expiresIn)).toISOString();
  }
  if (options.ipAllow !== undefined) {
    const cidrs = options.ipAllow
      .split(",")
      .map((c) => c.trim())
      .filter(Boolean);
    const bad = cidrs.filter((c) => cidrProblem(c));
    if (bad.length > 0) throw new CliError(`not an address or CIDR block: ${bad.join(", ")}`);
    settings.ipAllowlist = cidrs.length > 0 ? cidrs : null;
  }
  return settings;
}

/** Administrative actions from the command line are logged as the API's are, with actor "cli". */
async function recordEvent(ctx: CliContext, action: string, before: ApiKey | null, after: ApiKey) {
  // Running servers drop their cached keys at once when Redis carries the word, else on their poll.
  ctx.shared.keyEvents?.publish();
  const log = new AuditLog(ctx.database.db);
  log.record({
    kind: "admin",
    request_id: null,
    key_id: null,
    user_id: "cli",
    method: null,
    route: null,
    path: null,
    status: null,
    latency_ms: null,
    ip: null,
    user_agent: "nftmeta-cli",
    reason: null,
    action,
    target: after.id,
    before: before && JSON.stringify(before),
    after: JSON.stringify(after),
  });
  await log.flush();
}

function parsePositive(text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new CliError(`'${text}' is not a whole number above 0`);
  return n;
}

function statusOf(k: ApiKey): string {
  if (k.revokedAt) return "revoked";
  if (k.expiresAt !== null && Date.parse(k.expiresAt) <= Date.now()) return "expired";
  return k.enabled ? "active" : "disabled";
}
