import type { Db } from "../db/database.js";
import { readGeneration } from "../db/generations.js";
import { IpAllowlist } from "./ip-allowlist.js";
import type { KeyEvents } from "./key-events.js";
import { hashKey, isWellFormedKey } from "./key-format.js";
import { type ApiKey, findKeyByHash, KEYS_GENERATION, recordLastUse } from "./key-store.js";

/** Why a presented key was refused. The caller only ever sees one uniform 401; this goes to logs. */
export type KeyRefusal =
  | "malformed"
  | "unknown"
  | "revoked"
  | "expired"
  | "disabled"
  | "ip_not_allowed";

export interface VerifiedKey {
  id: string;
  name: string;
  scopes: ReadonlySet<string>;
  rateLimit: number | null;
}

export type Verification =
  | { ok: true; key: VerifiedKey }
  | { ok: false; reason: KeyRefusal; keyId?: string };

interface CacheEntry {
  key: VerifiedKey;
  expiresAtMs: number | null;
  revoked: boolean;
  enabled: boolean;
  allowlist: IpAllowlist | null;
}

export interface KeyVerifierOptions {
  /** How often other processes' key changes are looked for, in milliseconds (500). */
  pollMs?: number;
  /** How often last-use times are written, in milliseconds (30 s). */
  lastUseFlushMs?: number;
  now?: () => number;
  /** Word from other instances that keys changed, faster than the poll. */
  events?: KeyEvents;
}

/**
 * Verifies presented keys against the store, caching what it found by hash. A change to any key
 * (revocation included) bumps a generation counter in the database; this process drops its whole
 * cache when it sees a new value, and at once for changes it makes itself.
 */
export class KeyVerifier {
  private readonly cache = new Map<string, CacheEntry>();
  private readonly lastUse = new Map<string, number>();
  private generation = -1;
  private timers: NodeJS.Timeout[] = [];
  private readonly now: () => number;

  constructor(
    private readonly db: Db,
    private readonly options: KeyVerifierOptions = {},
  ) {
    this.now = options.now ?? (() => Date.now());
  }

  async start(): Promise<void> {
    this.generation = await readGeneration(this.db, KEYS_GENERATION);
    await this.options.events?.subscribe(() => this.cache.clear());
    const poll = setInterval(() => void this.poll(), this.options.pollMs ?? 500);
    const flush = setInterval(
      () => void this.flushLastUse(),
      this.options.lastUseFlushMs ?? 30_000,
    );
    poll.unref();
    flush.unref();
    this.timers = [poll, flush];
  }

  async stop(): Promise<void> {
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
    await this.flushLastUse();
    await this.options.events?.close();
  }

  /** When the key was last used: this process's latest use, or what the store has. */
  lastUsedAt(id: string, stored: string | null): string | null {
    const at = this.lastUse.get(id);
    if (at === undefined) return stored;
    const mine = new Date(at).toISOString();
    return stored !== null && stored > mine ? stored : mine;
  }

  /** Forgets every cached key: call after changing keys in this process. */
  invalidate(): void {
    this.cache.clear();
    this.options.events?.publish();
  }

  /** Checks a presented key for a request from `ip`. */
  async verify(presented: string, ip: string): Promise<Verification> {
    if (!isWellFormedKey(presented)) return { ok: false, reason: "malformed" };
    const hash = hashKey(presented);
    let entry = this.cache.get(hash);
    if (!entry) {
      const found = await findKeyByHash(this.db, hash);
      if (!found) return { ok: false, reason: "unknown" };
      entry = toEntry(found);
      this.cache.set(hash, entry);
    }
    const refusal = this.refusalOf(entry, ip);
    if (refusal) return { ok: false, reason: refusal, keyId: entry.key.id };
    this.lastUse.set(entry.key.id, this.now());
    return { ok: true, key: entry.key };
  }

  private refusalOf(entry: CacheEntry, ip: string): KeyRefusal | undefined {
    if (entry.revoked) return "revoked";
    if (!entry.enabled) return "disabled";
    if (entry.expiresAtMs !== null && entry.expiresAtMs <= this.now()) return "expired";
    if (entry.allowlist && !entry.allowlist.allows(ip)) return "ip_not_allowed";
    return undefined;
  }

  private async poll(): Promise<void> {
    try {
      const generation = await readGeneration(this.db, KEYS_GENERATION);
      if (generation !== this.generation) {
        this.generation = generation;
        this.cache.clear();
      }
    } catch {
      // The database is away; health reports it. Keep the cache until it is back.
    }
  }

  private async flushLastUse(): Promise<void> {
    if (this.lastUse.size === 0) return;
    const batch = new Map(this.lastUse);
    this.lastUse.clear();
    try {
      await recordLastUse(this.db, batch);
    } catch {
      for (const [id, at] of batch) if (!this.lastUse.has(id)) this.lastUse.set(id, at);
    }
  }
}

function toEntry(key: ApiKey): CacheEntry {
  return {
    key: { id: key.id, name: key.name, scopes: new Set(key.scopes), rateLimit: key.rateLimit },
    expiresAtMs: key.expiresAt ? Date.parse(key.expiresAt) : null,
    revoked: key.revokedAt !== null,
    enabled: key.enabled,
    allowlist: key.ipAllowlist ? new IpAllowlist(key.ipAllowlist) : null,
  };
}
