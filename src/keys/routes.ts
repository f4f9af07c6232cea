import type { FastifyInstance, FastifyRequest } from "fastify";
import { adminEntry } from "../audit/admin-entry.js";
import { usage } from "../audit/queries.js";
import { badRequest } from "../errors.js";
import { ok, page } from "../http/envelope.js";
import { principalOf, requireScopes } from "../http/principal.js";
import { envelope, errorResponse, idParams, pageOf, pageQuery } from "../http/schemas.js";
import type { Services } from "../services.js";
import { cidrProblem } from "./ip-allowlist.js";
import {
  type ApiKey,
  createKey,
  getKey,
  type KeyChanges,
  listKeys,
  revokeKey,
  rotateKey,
  updateKey,
} from "./key-store.js";
import { SCOPES, type Scope } from "./scopes.js";

const errors = { 400: errorResponse, 401: errorResponse, 403: errorResponse, 404: errorResponse };

const keySchema = {
  type: "object",
  properties: {
    id: { type: "string" },
    name: { type: "string" },
    prefix: { type: "string", description: "The first characters of the key, to tell keys apart" },
    scopes: { type: "array", items: { type: "string" } },
    status: { type: "string", enum: ["active", "revoked", "expired", "disabled"] },
    rateLimit: { type: ["integer", "null"] },
    ipAllowlist: { type: ["array", "null"], items: { type: "string" } },
    enabled: { type: "boolean" },
    expiresAt: { type: ["string", "null"] },
    revokedAt: { type: ["string", "null"] },
    lastUsedAt: { type: ["string", "null"] },
    createdBy: { type: ["string", "null"] },
    rotatedFrom: { type: ["string", "null"] },
    createdAt: { type: "string" },
    updatedAt: { type: "string" },
  },
} as const;

const withSecret = {
  type: "object",
  properties: {
    ...keySchema.properties,
    key: { type: "string", description: "The key itself: shown this once, never again" },
  },
} as const;

const settings = {
  name: { type: "string", minLength: 1, maxLength: 100 },
  rateLimit: { type: ["integer", "null"], minimum: 1, maximum: 100_000_000 },
  expiresAt: { type: ["string", "null"], format: "date-time" },
  ipAllowlist: { type: ["array", "null"], items: { type: "string", maxLength: 50 }, maxItems: 100 },
} as const;

type KeyView = ApiKey & { status: "active" | "revoked" | "expired" | "disabled" };

function statusOf(key: ApiKey): KeyView["status"] {
  if (key.revokedAt) return "revoked";
  if (key.expiresAt && Date.parse(key.expiresAt) <= Date.now()) return "expired";
  return key.enabled ? "active" : "disabled";
}

function checkAllowlist(list: string[] | null | undefined): void {
  const details = (list ?? []).flatMap((cidr, i) => {
    const problem = cidrProblem(cidr);
    return problem ? [{ path: `body.ipAllowlist[${i}]`, message: problem }] : [];
  });
  if (details.length > 0)
    throw badRequest("ipAllowlist holds something that is not a CIDR block", details);
}

export function keyRoutes(services: Services) {
  const { db, verifier, audit } = services;

  /** A key as the API shows it, with its status and its latest use, even one not yet written. */
  function view(key: ApiKey): KeyView {
    return {
      ...key,
      status: statusOf(key),
      lastUsedAt: verifier.lastUsedAt(key.id, key.lastUsedAt),
    };
  }

  /** Loads a key the caller may manage: one whose scopes it holds itself. */
  async function manageable(request: FastifyRequest<{ Params: { id: string } }>) {
    const key = await getKey(db, request.params.id);
    requireScopes(request, key.scopes);
    return key;
  }

  function changed(request: FastifyRequest, action: string, before: ApiKey | null, after: ApiKey) {
    verifier.invalidate();
    audit.record(adminEntry(request, action, after.id, before, after));
  }

  return async function register(app: FastifyInstance) {
    app.post<{ Body: KeyChanges & { name: string; scopes: Scope[] } }>(
      "/api/keys",
      {
        config: { scope: "keys:manage" },
        schema: {
          tags: ["keys"],
          body: {
            type: "object",
            required: ["name", "scopes"],
            additionalProperties: false,
            properties: {
              ...settings,
              scopes: {
                type: "array",
                minItems: 1,
                uniqueItems: true,
                items: { enum: [...SCOPES] },
              },
            },
          },
          response: { 201: envelope(withSecret), ...errors },
        },
      },
      async (request, reply) => {
        const body = request.body;
        requireScopes(request, body.scopes);
        checkAllowlist(body.ipAllowlist);
        if (body.expiresAt && Date.parse(body.expiresAt) <= Date.now()) {
          throw badRequest("A new key cannot expire in the past", [
            { path: "body.expiresAt", message: "must be in the future" },
          ]);
        }
        const { apiKey, key } = await createKey(db, {
          ...body,
          createdBy: principalOf(request).keyId ?? principalOf(request).userId,
        });
        changed(request, "key.created", null, apiKey);
        return reply.code(201).send(ok({ ...view(apiKey), key }));
      },
    );

    app.get<{ Querystring: { page: number; limit: number } }>(
      "/api/keys",
      {
        config: { scope: "keys:manage" },
        schema: {
          tags: ["keys"],
          querystring: { type: "object", additionalProperties: false, properties: pageQuery },
          response: { 200: pageOf(keySchema), ...errors },
        },
      },
      async (request) => {
        const { page: pageNo, limit } = request.query;
        const all = await listKeys(db);
        const items = all.slice((pageNo - 1) * limit, pageNo * limit).map(view);
        return ok(page(items, all.length, pageNo, limit));
      },
    );

    app.get<{ Params: { id: string } }>(
      "/api/keys/:id",
      {
        config: { scope: "keys:manage" },
        schema: {
          tags: ["keys"],
          params: idParams,
          response: { 200: envelope(keySchema), ...errors },
        },
      },
      async (request) => ok(view(await getKey(db, request.params.id))),
    );

    app.patch<{ Params: { id: string }; Body: KeyChanges }>(
      "/api/keys/:id",
      {
        config: { scope: "keys:manage" },
        schema: {
          tags: ["keys"],
          description: "Changes a key's name, limit, expiry, allowlist or enabled state.",
          params: idParams,
          body: {
            type: "object",
            additionalProperties: false,
            minProperties: 1,
            properties: { ...settings, enabled: { type: "boolean" } },
          },
          response: { 200: envelope(keySchema), ...errors },
        },
      },
      async (request) => {
        const before = await manageable(request);
        checkAllowlist(request.body.ipAllowlist);
        const after = await updateKey(db, before.id, request.body);
        changed(request, "key.updated", before, after);
        return ok(view(after));
      },
    );

    app.delete<{ Params: { id: string } }>(
      "/api/keys/:id",
      {
        config: { scope: "keys:manage" },
        schema: {
          tags: ["keys"],
          description: "Revokes the key at once.",
          params: idParams,
          response: {
            200: envelope({ type: "object", properties: { id: { type: "string" } } }),
            ...errors,
          },
        },
      },
      async (request) => {
        const before = await manageable(request);
        const after = await revokeKey(db, before.id);
        changed(request, "key.revoked", before, after);
        return ok({ id: after.id });
      },
    );

    app.post<{ Params: { id: string }; Body: { gracePeriodSeconds?: number } | undefined }>(
      "/api/keys/:id/rotate",
      {
        config: { scope: "keys:manage" },
        // The body is optional: no body means the default grace period.
        preValidation: async (request) => {
          request.body ??= {};
        },
        schema: {
          tags: ["keys"],
          description:
            "Issues a new key with the same settings; the old one works until the grace period ends (0 revokes it at once).",
          params: idParams,
          body: {
            type: "object",
            additionalProperties: false,
            properties: {
              gracePeriodSeconds: {
                type: "integer",
                minimum: 0,
                maximum: 31_536_000,
                default: 86_400,
              },
            },
          },
          response: {
            201: envelope({
              type: "object",
              properties: { ...withSecret.properties, previous: keySchema },
            }),
            ...errors,
          },
        },
      },
      async (request, reply) => {
        const before = await manageable(request);
        const grace = (request.body?.gracePeriodSeconds ?? 86_400) * 1000;
        const actor = principalOf(request);
        const rotated = await rotateKey(db, before.id, grace, actor.keyId ?? actor.userId);
        changed(request, "key.rotated", before, rotated.previous);
        audit.record(adminEntry(request, "key.created", rotated.apiKey.id, null, rotated.apiKey));
        const data = {
          ...view(rotated.apiKey),
          key: rotated.key,
          previous: view(rotated.previous),
        };
        return reply.code(201).send(ok(data));
      },
    );

    app.get<{ Params: { id: string }; Querystring: { bucket: "hour" | "day"; since?: string } }>(
      "/api/keys/:id/usage",
      {
        config: { scope: "keys:manage" },
        schema: {
          tags: ["keys"],
          params: idParams,
          querystring: {
            type: "object",
            additionalProperties: false,
            properties: {
              bucket: { type: "string", enum: ["hour", "day"], default: "hour" },
              since: { type: "string", format: "date-time" },
            },
          },
        },
      },
      async (request) => {
        const key = await getKey(db, request.params.id);
        await audit.flush();
        const { bucket, since } = request.query;
        const periods = await usage(db, { keyId: key.id, since }, bucket);
        const lastUsedAt = verifier.lastUsedAt(key.id, key.lastUsedAt);
        return ok({ keyId: key.id, lastUsedAt, bucket, periods });
      },
    );
  };
}
