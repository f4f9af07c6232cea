import type { FastifyInstance } from "fastify";
import type { Services } from "../services.js";
import { withTimeout } from "../util/timeout.js";

const VERSION = "0.1.0";

type Check = { status: "ok" | "error"; kind: string; latencyMs?: number };

async function timed(kind: string, probe: () => Promise<void>): Promise<Check> {
  const started = performance.now();
  try {
    await withTimeout(probe(), 1000);
    return { status: "ok", kind, latencyMs: Math.round((performance.now() - started) * 100) / 100 };
  } catch {
    return { status: "error", kind };
  }
}

/** `GET /api/health`: no key, no version header; 503 when the database does not answer. */
export function healthRoute(services: Services) {
  const { database, counters, media } = services;

  return async function register(app: FastifyInstance) {
    app.get(
      "/api/health",
      { config: { public: true }, schema: { tags: ["health"] } },
      async (_request, reply) => {
        const [db, limits, store] = await Promise.all([
          timed(database.kind, database.ping),
          timed(counters.kind, () => counters.ping()),
          timed(media.store.kind, () => media.store.ping()),
        ]);
        const degraded = limits.status !== "ok" || store.status !== "ok";
        const status = db.status !== "ok" ? "unavailable" : degraded ? "degraded" : "ok";
        return reply.code(db.status === "ok" ? 200 : 503).send({
          success: db.status === "ok",
          data: {
            status,
            version: VERSION,
            uptimeSeconds: Math.round((Date.now() - services.startedAt) / 1000),
            checks: { database: db, rateLimitStore: limits, mediaStore: store },
          },
        });
      },
    );
  };
}
