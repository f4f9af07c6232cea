import { Readable } from "node:stream";
import type { FastifyInstance } from "fastify";
import { badRequest } from "../errors.js";
import { ok } from "../http/envelope.js";
import { errorResponse } from "../http/schemas.js";
import type { Services } from "../services.js";
import { exportLines } from "./export.js";
import { type AuditFilter, allEvents, listEvents, usage } from "./queries.js";

const filterProperties = {
  kind: { type: "string", enum: ["request", "admin"] },
  keyId: { type: "string", maxLength: 100 },
  userId: { type: "string", maxLength: 100 },
  status: { type: "string", enum: ["1xx", "2xx", "3xx", "4xx", "5xx"] },
  method: { type: "string", enum: ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"] },
  route: { type: "string", maxLength: 200, description: "A route pattern, e.g. /api/metadata/:id" },
  since: { type: "string", maxLength: 40, description: "An ISO date or date-time" },
  until: { type: "string", maxLength: 40, description: "An ISO date or date-time" },
} as const;

interface AuditQuery {
  kind?: "request" | "admin";
  keyId?: string;
  userId?: string;
  status?: string;
  method?: string;
  route?: string;
  since?: string;
  until?: string;
  limit: number;
  cursor?: string;
  format: "json" | "csv" | "ndjson";
}

function filterOf(q: AuditQuery): AuditFilter {
  return {
    kind: q.kind,
    keyId: q.keyId,
    userId: q.userId,
    statusClass: q.status,
    method: q.method,
    route: q.route,
    since: q.since && isoTime(q.since, "since"),
    until: q.until && isoTime(q.until, "until"),
  };
}

function isoTime(text: string, name: string): string {
  const at = /^\d{4}-\d\d-\d\d/.test(text) ? Date.parse(text) : Number.NaN;
  if (Number.isNaN(at)) {
    throw badRequest(`${name} is not a time`, [
      { path: `querystring.${name}`, message: "must be an ISO date or date-time" },
    ]);
  }
  return new Date(at).toISOString();
}

export function auditRoutes(services: Services) {
  const { db, audit } = services;

  return async function register(app: FastifyInstance) {
    app.get<{ Querystring: AuditQuery }>(
      "/api/audit",
      {
        config: { scope: "audit:read" },
        schema: {
          tags: ["audit"],
          description:
            "The activity log, newest first. Pass `nextCursor` back as `cursor` for the next page; `format=csv` or `ndjson` exports every matching entry.",
          querystring: {
            type: "object",
            additionalProperties: false,
            properties: {
              ...filterProperties,
              limit: { type: "integer", minimum: 1, maximum: 100, default: 50 },
              cursor: { type: "string", maxLength: 100 },
              format: { type: "string", enum: ["json", "csv", "ndjson"], default: "json" },
            },
          },
          response: { 400: errorResponse, 401: errorResponse, 403: errorResponse },
        },
      },
      async (request, reply) => {
        const q = request.query;
        await audit.flush();
        if (q.format !== "json") {
          const type = q.format === "csv" ? "text/csv; charset=utf-8" : "application/x-ndjson";
          reply
            .type(type)
            .header("content-disposition", `attachment; filename="activity.${q.format}"`);
          return reply.send(Readable.from(exportLines(allEvents(db, filterOf(q)), q.format)));
        }
        return ok(await listEvents(db, filterOf(q), q.limit, q.cursor));
      },
    );

    app.get<{ Querystring: AuditQuery & { bucket: "hour" | "day" } }>(
      "/api/audit/usage",
      {
        config: { scope: "audit:read" },
        schema: {
          tags: ["audit"],
          description: "Requests and errors per hour or day.",
          querystring: {
            type: "object",
            additionalProperties: false,
            properties: {
              ...filterProperties,
              bucket: { type: "string", enum: ["hour", "day"], default: "hour" },
            },
          },
        },
      },
      async (request) => {
        await audit.flush();
        const { bucket } = request.query;
        return ok({ bucket, periods: await usage(db, filterOf(request.query), bucket) });
      },
    );
  };
}
