import type { FastifyRequest } from "fastify";
import { actorOf } from "../http/principal.js";

/**
 * An administrative event: who did what to which target, with the target before and after.
 * Records passed here hold no secret (key records carry neither the key nor its hash). A string
 * is taken as JSON text already, so that a stored document is kept literal for literal.
 */
export function adminEntry(
  request: FastifyRequest,
  action: string,
  target: string,
  before: unknown,
  after: unknown,
) {
  return {
    kind: "admin" as const,
    ...actorOf(request),
    request_id: request.id,
    method: request.method,
    route: request.routeOptions.url ?? null,
    path: request.url.split("?")[0] ?? null,
    status: null,
    latency_ms: null,
    ip: request.ip,
    user_agent: request.headers["user-agent"] ?? null,
    reason: null,
    action,
    target,
    before: asJson(before),
    after: asJson(after),
  };
}

function asJson(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  return typeof value === "string" ? value : JSON.stringify(value);
}
