import { RateLimiterMemory, RateLimiterRedis } from "rate-limiter-flexible";
import type { RedisConnection } from "../redis/connection.js";
import type { CounterStore } from "./limiter.js";

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
    const res = await this.limiter(windowSeconds).consume(key, 1);
    return { count: res.consumedPoints, resetAtMs: Date.now() + res.msBeforeNext };
  }

  async peek(key: string, windowSeconds: number) {
    const res = await this.limiter(windowSeconds).get(key);
    if (!res) return { count: 0, resetAtMs: Date.now() + windowSeconds * 1000 };
    return { count: res.consumedPoints, resetAtMs: Date.now() + res.msBeforeNext };
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
