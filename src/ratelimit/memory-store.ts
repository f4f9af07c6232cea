import { RateLimiterMemory } from "rate-limiter-flexible";
import { type CounterStore, countOf } from "./limiter.js";

/**
 * Counters in this process. Each key's window opens at its first request and lasts the window's
 * length; the limit itself is compared by the caller, so that a key whose limit changes keeps its
 * count.
 */
export class MemoryCounterStore implements CounterStore {
  readonly kind = "memory";
  private readonly limiters = new Map<number, RateLimiterMemory>();

  async hit(key: string, windowSeconds: number) {
    return countOf(await this.limiter(windowSeconds).consume(key, 1), windowSeconds);
  }

  async peek(key: string, windowSeconds: number) {
    return countOf(await this.limiter(windowSeconds).get(key), windowSeconds);
  }

  async ping(): Promise<void> {}

  private limiter(windowSeconds: number): RateLimiterMemory {
    let limiter = this.limiters.get(windowSeconds);
    if (!limiter) {
      // The limit is compared by the caller, so the library's own never refuses.
      limiter = new RateLimiterMemory({ points: Number.MAX_SAFE_INTEGER, duration: windowSeconds });
      this.limiters.set(windowSeconds, limiter);
    }
    return limiter;
  }
}
