import { Redis } from "ioredis";
import type { Logger } from "pino";
import { withTimeout } from "../util/timeout.js";

/**
 * One Redis connection shared by the counters and the cache. Commands fail at once while it is
 * down (no offline queue), so that callers fall back instead of waiting; it reconnects by itself.
 * One warning is logged per outage, and one line when it is back.
 */
export class RedisConnection {
  readonly client: Redis;
  private down = false;
  private closing = false;
  private readonly backListeners: (() => void)[] = [];

  constructor(
    url: string,
    private readonly log: Logger,
  ) {
    this.client = new Redis(url, {
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      connectTimeout: 2000,
      retryStrategy: (times) => Math.min(100 * times, 2000),
    });
    this.client.on("error", (error: Error) => this.markDown(error));
    this.client.on("end", () => this.markDown(new Error("connection closed")));
    this.client.on("ready", () => this.markUp());
  }

  get isUp(): boolean {
    return this.client.status === "ready";
  }

  /** Calls `listener` every time Redis comes back after an outage. */
  onBack(listener: () => void): void {
    this.backListeners.push(listener);
  }

  /** A new connection to the same server, for subscriptions (which take a connection whole). */
  duplicate(): Redis {
    return this.client.duplicate({ enableOfflineQueue: true });
  }

  async ping(timeoutMs = 1000): Promise<void> {
    if (!this.isUp) throw new Error("redis is not connected");
    await withTimeout(this.client.ping(), timeoutMs);
  }

  async close(): Promise<void> {
    this.closing = true;
    await this.client.quit().catch(() => this.client.disconnect());
  }

  private markDown(error: Error): void {
    if (this.down || this.closing) return;
    this.down = true;
    this.log.warn(
      { err: error.message },
      "redis unreachable: limits fall back to this instance's memory",
    );
  }

  private markUp(): void {
    if (!this.down) return;
    this.down = false;
    this.log.info("redis is back: limits and cache are shared again");
    for (const listener of this.backListeners) listener();
  }
}
