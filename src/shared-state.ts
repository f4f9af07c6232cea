import type { Logger } from "pino";
import { type HotCache, NoCache, RedisHotCache } from "./cache/hot-cache.js";
import type { Config } from "./config.js";
import { type KeyEvents, RedisKeyEvents } from "./keys/key-events.js";
import type { CounterStore } from "./ratelimit/limiter.js";
import { MemoryCounterStore } from "./ratelimit/memory-store.js";
import { RedisCounterStore } from "./ratelimit/redis-store.js";
import { RedisConnection } from "./redis/connection.js";

/** What instances share when Redis is configured, and what stands in for it when it is not. */
export interface SharedState {
  counters: CounterStore;
  cache: HotCache;
  keyEvents: KeyEvents | undefined;
  close: () => Promise<void>;
}

export function openSharedState(config: Readonly<Config>, log: Logger): SharedState {
  if (!config.redisUrl) {
    return {
      counters: new MemoryCounterStore(),
      cache: new NoCache(),
      keyEvents: undefined,
      close: async () => {},
    };
  }
  const redis = new RedisConnection(config.redisUrl, log);
  return {
    counters: new RedisCounterStore(redis),
    cache: new RedisHotCache(redis),
    keyEvents: new RedisKeyEvents(redis),
    close: () => redis.close(),
  };
}
