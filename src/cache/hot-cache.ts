import type { RedisConnection } from "../redis/connection.js";

/**
 * A cache of what the hot read paths serve (metadata by id, public token documents), shared by
 * every instance through Redis. A write never deletes an entry: it overwrites it with a short-lived
 * tombstone before the write is answered, and readers only fill an empty slot (SET NX). So a
 * reader that read the old row just before the write cannot put it back after the write, and once
 * a write has been answered no instance serves the old document.
 */
export interface HotCache {
  readonly kind: "none" | "redis";
  /** The cached text, or undefined on a miss (or a tombstone: go to the database). */
  read(key: string): Promise<string | undefined>;
  /** Caches text read from the database, unless the slot is taken. Never waits. */
  fill(key: string, text: string): void;
  /** Makes the keys miss on every instance, before the write that changed them is answered. */
  invalidate(keys: string[]): Promise<void>;
}

const PREFIX = "nftmeta:c:";
const TOMBSTONE = "\u0000";
/** Seconds an entry lives: also the bound on staleness if an invalidation is ever lost. */
const ENTRY_SECONDS = 60;
/** Seconds a tombstone lives: far longer than any read that started before the write. */
const TOMBSTONE_SECONDS = 10;

/** The embedded default: every read goes to the database. */
export class NoCache implements HotCache {
  readonly kind = "none";
  async read(): Promise<string | undefined> {
    return undefined;
  }
  fill(): void {}
  async invalidate(): Promise<void> {}
}

export class RedisHotCache implements HotCache {
  readonly kind = "redis";
  /** Keys whose invalidation could not reach Redis; sent again when it is back. */
  private readonly pending = new Set<string>();

  constructor(private readonly redis: RedisConnection) {
    redis.onBack(() => void this.replay());
  }

  async read(key: string): Promise<string | undefined> {
    if (!this.redis.isUp) return undefined;
    try {
      const text = await this.redis.client.get(PREFIX + key);
      return text === null || text === TOMBSTONE ? undefined : text;
    } catch {
      return undefined;
    }
  }

  fill(key: string, text: string): void {
    if (!this.redis.isUp || this.pending.size > 0) return;
    this.redis.client.set(PREFIX + key, text, "EX", ENTRY_SECONDS, "NX").catch(() => {});
  }

  async invalidate(keys: string[]): Promise<void> {
    if (keys.length === 0) return;
    try {
      await this.tombstone(keys);
    } catch {
      for (const key of keys) this.pending.add(key);
    }
  }

  private async tombstone(keys: string[]): Promise<void> {
    const pipeline = this.redis.client.pipeline();
    for (const key of keys) pipeline.set(PREFIX + key, TOMBSTONE, "EX", TOMBSTONE_SECONDS);
    const results = await pipeline.exec();
    const failed = results?.find(([error]) => error);
    if (!results || failed) throw failed?.[0] ?? new Error("redis did not answer");
  }

  private async replay(): Promise<void> {
    const keys = [...this.pending];
    this.pending.clear();
    await this.invalidate(keys);
  }
}

/** The cache key of a metadata record served by id. */
export function recordKey(id: string): string {
  return `md:${id}`;
}

/**
 * The cache key of a public token as a URL names it: decimal ids in canonical form, 64-hex ids in
 * lower case (the two readings of the same text are told apart by the collection's standard, so
 * the text itself is the key).
 */
export function publicKey(collection: string, form: "d" | "x", id: string): string {
  return `pub:${collection}:${form}:${id}`;
}

/** Every key under which a token's public document may be cached. */
export function publicKeysOf(collection: string, tokenId: string): string[] {
  const keys = [
    publicKey(collection, "d", tokenId),
    publicKey(collection, "x", BigInt(tokenId).toString(16).padStart(64, "0")),
  ];
  // A 64-digit decimal id looks like hex too; an ERC-721 collection reads it as decimal.
  if (tokenId.length <= 64) keys.push(publicKey(collection, "x", tokenId.padStart(64, "0")));
  return keys;
}
