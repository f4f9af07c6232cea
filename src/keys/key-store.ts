import { randomBytes } from "node:crypto";
import type { Db } from "../db/database.js";
import { bumpGeneration } from "../db/generations.js";
import type { ApiKeyRow } from "../db/schema.js";
import { conflict, notFound } from "../errors.js";
import { generateKey, hashKey, shownPrefix } from "./key-format.js";
import type { Scope } from "./scopes.js";

/** What the API and the CLI show of a key: never its value or hash. */
export interface ApiKey {
  id: string;
  name: string;
  prefix: string;
  scopes: Scope[];
  rateLimit: number | null;
  ipAllowlist: string[] | null;
  enabled: boolean;
  expiresAt: string | null;
  revokedAt: string | null;
  lastUsedAt: string | null;
  createdBy: string | null;
  rotatedFrom: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface NewKey {
  name: string;
  scopes: Scope[];
  rateLimit?: number | null;
  expiresAt?: string | null;
  ipAllowlist?: string[] | null;
  createdBy?: string | null;
  rotatedFrom?: string | null;
}

/** The settings of a key that can change after it is made; its scopes cannot. */
export interface KeyChanges {
  name?: string;
  rateLimit?: number | null;
  expiresAt?: string | null;
  ipAllowlist?: string[] | null;
  enabled?: boolean;
}

export const KEYS_GENERATION = "keys";

export function toApiKey(row: ApiKeyRow): ApiKey {
  return {
    id: row.id,
    name: row.name,
    prefix: row.prefix,
    scopes: row.scopes.split(" ").filter(Boolean) as Scope[],
    rateLimit: row.rate_limit,
    ipAllowlist: row.ip_allowlist ? (JSON.parse(row.ip_allowlist) as string[]) : null,
    enabled: row.enabled === 1,
    expiresAt: row.expires_at,
    revokedAt: row.revoked_at,
    lastUsedAt: row.last_used_at,
    createdBy: row.created_by,
    rotatedFrom: row.rotated_from,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** Creates a key; the returned `key` is the only time its value exists outside the caller. */
export async function createKey(db: Db, input: NewKey): Promise<{ apiKey: ApiKey; key: string }> {
  const key = generateKey();
  const now = new Date().toISOString();
  const row: ApiKeyRow = {
    id: `key_${randomBytes(9).toString("base64url")}`,
    name: input.name,
    prefix: shownPrefix(key),
    key_hash: hashKey(key),
    scopes: input.scopes.join(" "),
    rate_limit: input.rateLimit ?? null,
    ip_allowlist: input.ipAllowlist ? JSON.stringify(input.ipAllowlist) : null,
    enabled: 1,
    expires_at: input.expiresAt ?? null,
    revoked_at: null,
    last_used_at: null,
    created_by: input.createdBy ?? null,
    rotated_from: input.rotatedFrom ?? null,
    created_at: now,
    updated_at: now,
  };
  await db.insertInto("api_keys").values(row).execute();
  return { apiKey: toApiKey(row), key };
}

export async function listKeys(db: Db): Promise<ApiKey[]> {
  const rows = await db.selectFrom("api_keys").selectAll().orderBy("created_at").execute();
  return rows.map(toApiKey);
}

export async function findKeyByHash(db: Db, keyHash: string): Promise<ApiKey | undefined> {
  const row = await db
    .selectFrom("api_keys")
    .selectAll()
    .where("key_hash", "=", keyHash)
    .executeTakeFirst();
  return row && toApiKey(row);
}

export async function getKey(db: Db, id: string): Promise<ApiKey> {
  const row = await db.selectFrom("api_keys").selectAll().where("id", "=", id).executeTakeFirst();
  if (!row) throw notFound("API key");
  return toApiKey(row);
}

/** Changes a key's settings; every process drops its cached copy. */
export async function updateKey(db: Db, id: string, changes: KeyChanges): Promise<ApiKey> {
  const set: Partial<ApiKeyRow> = { updated_at: new Date().toISOString() };
  if (changes.name !== undefined) set.name = changes.name;
  if (changes.rateLimit !== undefined) set.rate_limit = changes.rateLimit;
  if (changes.expiresAt !== undefined) set.expires_at = changes.expiresAt;
  if (changes.enabled !== undefined) set.enabled = changes.enabled ? 1 : 0;
  if (changes.ipAllowlist !== undefined) {
    set.ip_allowlist = changes.ipAllowlist === null ? null : JSON.stringify(changes.ipAllowlist);
  }
  const row = await db
    .updateTable("api_keys")
    .set(set)
    .where("id", "=", id)
    .returningAll()
    .executeTakeFirst();
  if (!row) throw notFound("API key");
  await bumpGeneration(db, KEYS_GENERATION);
  return toApiKey(row);
}

/** Revokes a key at once; every process drops it from its cache. */
export async function revokeKey(db: Db, id: string): Promise<ApiKey> {
  const now = new Date().toISOString();
  const row = await db
    .updateTable("api_keys")
    .set({ revoked_at: now, updated_at: now })
    .where("id", "=", id)
    .where("revoked_at", "is", null)
    .returningAll()
    .executeTakeFirst();
  if (!row) return getKey(db, id);
  await bumpGeneration(db, KEYS_GENERATION);
  return toApiKey(row);
}

/**
 * Issues a new key with the old one's scopes, limit, expiry and allowlist. The old key lives on
 * until the earlier of its own expiry and now + grace; a grace of 0 revokes it at once.
 */
export async function rotateKey(
  db: Db,
  id: string,
  graceMs: number,
  createdBy: string | null,
): Promise<{ apiKey: ApiKey; key: string; previous: ApiKey }> {
  const old = await getKey(db, id);
  if (old.revokedAt) throw conflict("A revoked key cannot be rotated");
  const created = await createKey(db, {
    name: old.name,
    scopes: old.scopes,
    rateLimit: old.rateLimit,
    expiresAt: old.expiresAt,
    ipAllowlist: old.ipAllowlist,
    createdBy,
    rotatedFrom: old.id,
  });
  const graceEnd = new Date(Date.now() + graceMs).toISOString();
  const previous =
    graceMs === 0
      ? await revokeKey(db, id)
      : await updateKey(db, id, {
          expiresAt: old.expiresAt && old.expiresAt < graceEnd ? old.expiresAt : graceEnd,
        });
  return { ...created, previous };
}

/** Writes the last-use times gathered in memory, so that a request never waits on a write. */
export async function recordLastUse(db: Db, lastUse: Map<string, number>): Promise<void> {
  for (const [id, at] of lastUse) {
    await db
      .updateTable("api_keys")
      .set({ last_used_at: new Date(at).toISOString() })
      .where("id", "=", id)
      .execute();
  }
}
