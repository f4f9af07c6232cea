import type { RedisConnection } from "../redis/connection.js";

const CHANNEL = "nftmeta:keys";

/** Tells every instance at once that keys changed, so that each drops its cached keys. */
export interface KeyEvents {
  publish(): void;
  subscribe(listener: () => void): Promise<void>;
  close(): Promise<void>;
}

/** Redis publish/subscribe; the database generation poll stays as the fallback. */
export class RedisKeyEvents implements KeyEvents {
  private subscriber: ReturnType<RedisConnection["duplicate"]> | undefined;

  constructor(private readonly redis: RedisConnection) {}

  publish(): void {
    this.redis.client.publish(CHANNEL, String(Date.now())).catch(() => {});
  }

  async subscribe(listener: () => void): Promise<void> {
    const subscriber = this.redis.duplicate();
    subscriber.on("error", () => {});
    subscriber.on("message", (channel) => {
      if (channel === CHANNEL) listener();
    });
    this.subscriber = subscriber;
    await subscriber.subscribe(CHANNEL).catch(() => {});
  }

  async close(): Promise<void> {
    await this.subscriber?.quit().catch(() => this.subscriber?.disconnect());
  }
}
