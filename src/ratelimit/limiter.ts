/** The outcome of counting one request against a fixed window. */
export interface LimitState {
  allowed: boolean;
  limit: number;
  /** Requests left in this window, never below 0. */
  remaining: number;
  /** Epoch milliseconds at which the window ends. */
  resetAtMs: number;
}

/** Where request counts live: process memory by default, Redis when several instances share limits. */
export interface CounterStore {
  readonly kind: "memory" | "redis";
  /** Adds one to `key`'s count in a window of `windowSeconds` and returns the new count. */
  hit(key: string, windowSeconds: number): Promise<{ count: number; resetAtMs: number }>;
  /** The current count without adding to it; 0 when no window is open. */
  peek(key: string, windowSeconds: number): Promise<{ count: number; resetAtMs: number }>;
  /** Resolves when the store answers. */
  ping(): Promise<void>;
}

/** Counts one request for `key` and says whether it is within `limit`. Every request counts once. */
export async function consume(
  store: CounterStore,
  key: string,
  limit: number,
  windowSeconds: number,
): Promise<LimitState> {
  const { count, resetAtMs } = await store.hit(key, windowSeconds);
  return { allowed: count <= limit, limit, remaining: Math.max(0, limit - count), resetAtMs };
}

/** A count as rate-limiter-flexible reports it, or an empty window when it has none. */
export function countOf(
  res: { consumedPoints: number; msBeforeNext: number } | null,
  windowSeconds: number,
): { count: number; resetAtMs: number } {
  if (!res) return { count: 0, resetAtMs: Date.now() + windowSeconds * 1000 };
  return { count: res.consumedPoints, resetAtMs: Date.now() + res.msBeforeNext };
}
