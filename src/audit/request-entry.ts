import type { FastifyReply, FastifyRequest, onResponseHookHandler } from "fastify";
import type { AuditLog } from "./audit-log.js";

/**
 * Records every request that reached authentication, once its answer is sent. Only a queue push
 * happens here; the writing is batched elsewhere.
 */
export function recordRequests(audit: AuditLog): onResponseHookHandler {
  return function record(request, reply, done) {
    const authenticated = request.apiKey !== null || request.adminUser !== null;
    if (authenticated || request.authFailure !== null) {
      audit.record(requestEntry(request, reply));
    }
    done();
  };
}

function requestEntry(request: FastifyRequest, reply: FastifyReply) {
  const at = request.url.indexOf("?");
  return {
    kind: "request" as const,
    request_id: request.id,
    key_id: request.apiKey?.id ?? request.authKeyId,
    user_id: request.adminUser?.id ?? null,
    method: request.method,
    route: request.routeOptions.url ?? null,
    // The query string can carry secrets (a key pasted into a URL), so it is never kept.
    path: at < 0 ? request.url : request.url.slice(0, at),
    status: reply.statusCode,
    latency_ms: Math.round(reply.elapsedTime * 1000) / 1000,
    ip: request.ip,
    user_agent: request.headers["user-agent"] ?? null,
    reason: request.authFailure,
    action: null,
    target: null,
    before: null,
    after: null,
  };
}
