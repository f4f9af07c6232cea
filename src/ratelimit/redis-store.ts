import { RateLimiterMemory, RateLimiterRedis } from "rate-limiter-flexible";
import type { RedisConnection } from "../redis/connection.js";
import { type CounterStore, countOf } from "./limiter.js";

/**
 * Counters shared by every instance. Each hit is one atomic increment-with-expiry in Redis (a
 * Lua script), so the window and its count live on Redis's one clock. While Redis is down, each
 * instance counts in its own memory and says so through health; it returns to Redis by itself.
 */
export class RedisCounterStore implements CounterStore {
  readonly kind = "redis";
  private readonly limiters = new Map<number, RateLimiterRedis>();

  constructor(private readonly redis: RedisConnection) {}

  async hit(key: string, windowSeconds: number) {
    return countOf(await this.limiter(windowSeconds).consume(key, 1), windowSeconds);
  }

  async peek(key: string, windowSeconds: number) {
    return countOf(await this.limiter(windowSeconds).get(key), windowSeconds);
  }

  ping(): Promise<void> {
    return this.redis.ping();
  }

  private limiter(windowSeconds: number): RateLimiterRedis {
    let limiter = this.limiters.get(windowSeconds);
    if (!limiter) {
      // The limit is compared by the caller, so neither store refuses on its own.
      const points = Number.MAX_SAFE_INTEGER;
      limiter = new RateLimiterRedis({
        storeClient: this.redis.client,
        keyPrefix: "nftmeta:rl",
        points,
        duration: windowSeconds,
        rejectIfRedisNotReady: true,
        insuranceLimiter: new RateLimiterMemory({ points, duration: windowSeconds }),
      });
      this.limiters.set(windowSeconds, limiter);
    }
    return limiter;
  }
}
