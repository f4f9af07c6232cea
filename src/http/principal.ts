import type { FastifyRequest } from "fastify";
import { AppError } from "../errors.js";
import { SCOPES } from "../keys/scopes.js";

/** Who is acting: the key that authenticated the request, or an administrator's session. */
export interface Principal {
  keyId: string | null;
  userId: string | null;
  scopes: ReadonlySet<string>;
}

// The contract gives a dashboard session the rights of a key holding every scope.
const EVERY_SCOPE: ReadonlySet<string> = new Set(SCOPES);

export function principalOf(request: FastifyRequest): Principal {
  const key = request.apiKey;
  if (key) return { keyId: key.id, userId: null, scopes: key.scopes };
  const user = request.adminUser;
  if (user) return { keyId: null, userId: user.id, scopes: EVERY_SCOPE };
  return { keyId: null, userId: null, scopes: new Set() };
}

/** The actor as the activity log names it. */
export function actorOf(request: FastifyRequest): {
  key_id: string | null;
  user_id: string | null;
} {
  const p = principalOf(request);
  return { key_id: p.keyId, user_id: p.userId };
}

/** A caller may only hand out, or manage keys holding, scopes it holds itself. */
export function requireScopes(request: FastifyRequest, scopes: readonly string[]): void {
  const held = principalOf(request).scopes;
  const missing = scopes.filter((s) => !held.has(s));
  if (missing.length > 0) {
    throw new AppError("FORBIDDEN", undefined, undefined, { required: missing });
  }
}
