import type { FastifyReply, FastifyRequest, onRequestHookHandler } from "fastify";
import type { Auth } from "../auth/auth.js";
import { isSameOriginWrite } from "../auth/origin.js";
import { type AdminUser, adminOf, hasSessionCookie } from "../auth/session.js";
import type { Config } from "../config.js";
import type { KeyRefusal, KeyVerifier, VerifiedKey } from "../keys/key-verifier.js";
import { type CounterStore, consume, type LimitState } from "../ratelimit/limiter.js";
import { sendError } from "./envelope.js";
import { isPublicRoute } from "./route-policy.js";

export const SUPPORTED_VERSIONS = ["v1"] as const;
const HOUR_SECONDS = 3600;

export type AuthFailure =
  | KeyRefusal
  | "missing"
  | "conflicting"
  | "too_many_failures"
  | "session_invalid"
  | "cross_site";

declare module "fastify" {
  interface FastifyRequest {
    /** The key that authenticated this request; null until the guard has run. */
    apiKey: VerifiedKey | null;
    /** Why authentication failed, for the activity log only. */
    authFailure: AuthFailure | null;
    /** The key a refused request presented, when it was one of ours. */
    authKeyId: string | null;
    /** The administrator whose dashboard session authenticated this request (never with a key). */
    adminUser: AdminUser | null;
  }
}

export interface GuardDeps {
  config: Readonly<Config>;
  verifier: KeyVerifier;
  counters: CounterStore;
  /** Dashboard sessions; without it only keys authenticate. */
  auth?: Auth;
}

/**
 * The checks every /api request passes, in the contract's order: authenticate (401), rate limit
 * (429), version (400), scope (403). Input validation and the handler come after.
 */
export function createGuard(deps: GuardDeps): onRequestHookHandler {
  const { config, counters } = deps;

  return async function guard(request, reply) {
    const route = request.routeOptions;
    if (!request.url.startsWith("/api")) return;
    reply.header("x-api-version", SUPPORTED_VERSIONS[0]);
    if (isPublicRoute(route.url, route.config)) return;

    const failureKey = `authfail:${request.ip}`;
    const window = config.authFailureWindowSeconds;
    const failures = await counters.peek(failureKey, window);
    if (failures.count >= config.authFailureLimit) {
      request.authFailure = "too_many_failures";
      return refuseTooMany(reply, failures.resetAtMs);
    }

    const verdict = await authenticate(request, deps);
    if (!verdict.ok) {
      request.authFailure = verdict.reason;
      request.authKeyId = verdict.keyId ?? null;
      await counters.hit(failureKey, window);
      request.log.info({ reason: verdict.reason, keyId: verdict.keyId }, "authentication failed");
      if (verdict.reason === "cross_site") {
        return sendError(reply, "FORBIDDEN", "Cross-site request refused");
      }
      return sendError(reply, "UNAUTHORIZED");
    }
    const { key, user } = verdict;
    request.apiKey = key ?? null;
    request.adminUser = user ?? null;

    // A session counts against its administrator as a key counts against itself.
    const limit = key?.rateLimit ?? config.rateLimitPerHour;
    const counter = key ? `key:${key.id}` : `user:${user?.id}`;
    const state = await consume(counters, counter, limit, HOUR_SECONDS);
    setLimitHeaders(reply, state);
    if (!state.allowed) return refuseTooMany(reply, state.resetAtMs);

    const versionProblem = checkVersion(request);
    if (versionProblem) return sendError(reply, "BAD_REQUEST", versionProblem);

    // An unknown route has no scope to check; the not-found handler answers it. An
    // administrator's session holds every scope.
    const scope = route.config.scope;
    if (route.url === undefined || !scope || !key) return;
    if (!key.scopes.has(scope)) {
      return sendError(reply, "FORBIDDEN", undefined, undefined, { required: [scope] });
    }
  };
}

type Authentication =
  | { ok: true; key: VerifiedKey; user?: undefined }
  | { ok: true; user: AdminUser; key?: undefined }
  | { ok: false; reason: AuthFailure; keyId?: string | undefined };

/**
 * A key when the request carries one (its cookies are then ignored), else an administrator's
 * dashboard session, which may change state only from the dashboard's own origin.
 */
async function authenticate(request: FastifyRequest, deps: GuardDeps): Promise<Authentication> {
  const presented = presentedKey(request);
  if (typeof presented === "string") return deps.verifier.verify(presented, request.ip);
  if (presented.problem !== "missing" || !deps.auth || !hasSessionCookie(request.headers)) {
    return { ok: false, reason: presented.problem };
  }

  const user = await adminOf(deps.auth, request.headers);
  if (!user) return { ok: false, reason: "session_invalid" };
  if (!isSameOriginWrite(request, new URL(deps.config.publicBaseUrl).origin)) {
    return { ok: false, reason: "cross_site" };
  }
  return { ok: true, user };
}

function countHeader(rawHeaders: string[], name: string): number {
  let count = 0;
  for (let i = 0; i < rawHeaders.length; i += 2) {
    if (rawHeaders[i]?.toLowerCase() === name) count++;
  }
  return count;
}

function presentedKey(request: FastifyRequest): string | { problem: AuthFailure } {
  const auth = request.headers.authorization;
  const header = request.headers["x-api-key"];
  let bearer: string | undefined;
  if (auth !== undefined) {
    // Node keeps only the first of repeated Authorization headers; two keys are a conflict.
    if (countHeader(request.raw.rawHeaders, "authorization") > 1) return { problem: "conflicting" };
    const match = /^bearer[ \t]+(\S+)[ \t]*$/i.exec(auth);
    if (!match?.[1]) return { problem: "malformed" };
    bearer = match[1];
  }
  if (Array.isArray(header)) return { problem: "conflicting" };
  const apiKey = header?.trim();
  if (bearer !== undefined && apiKey !== undefined && bearer !== apiKey) {
    return { problem: "conflicting" };
  }
  return bearer ?? apiKey ?? { problem: "missing" };
}

function checkVersion(request: FastifyRequest): string | undefined {
  const raw = request.headers["x-api-version"] ?? request.headers["accept-version"];
  const value = Array.isArray(raw) ? raw[0] : raw;
  if (value === undefined || value.trim() === "") {
    return "API version header required (x-api-version or accept-version)";
  }
  const version = value.trim().toLowerCase();
  if ((SUPPORTED_VERSIONS as readonly string[]).includes(version)) return undefined;
  return `Unsupported API version '${value.trim().slice(0, 20)}'; supported versions: ${SUPPORTED_VERSIONS.join(", ")}`;
}

/** GitHub's X-RateLimit-* fields and the IETF draft's RateLimit-Policy / RateLimit. */
function setLimitHeaders(reply: FastifyReply, state: LimitState): void {
  const resetSeconds = secondsUntil(state.resetAtMs);
  reply.header("x-ratelimit-limit", state.limit);
  reply.header("x-ratelimit-remaining", state.remaining);
  reply.header("x-ratelimit-reset", Math.ceil(state.resetAtMs / 1000));
  reply.header("ratelimit-policy", `"default";q=${state.limit};w=${HOUR_SECONDS}`);
  reply.header("ratelimit", `"default";r=${state.remaining};t=${resetSeconds}`);
}

function refuseTooMany(reply: FastifyReply, resetAtMs: number): FastifyReply {
  reply.header("retry-after", secondsUntil(resetAtMs));
  return sendError(reply, "RATE_LIMITED");
}

function secondsUntil(atMs: number): number {
  return Math.max(1, Math.ceil((atMs - Date.now()) / 1000));
}
