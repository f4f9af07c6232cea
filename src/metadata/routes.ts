import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { adminEntry } from "../audit/admin-entry.js";
import { parseDecimalTokenId } from "../collections/token-id.js";
import { badRequest } from "../errors.js";
import {
  DECIMAL_TOKEN_PATTERN,
  documentSchema,
  envelope,
  errorResponse,
  idParams,
  pageOf,
  pageQuery,
  parseIfMatch,
  SLUG_PATTERN,
  sendJsonText,
} from "../http/schemas.js";
import { rawJsonOf } from "../json/raw-json.js";
import type { Services } from "../services.js";
import { prepareDocument } from "./document.js";
import { metadataJson, pageJson, successJson, versionJson } from "./serialize.js";
import { type MetadataRecord, type Precondition, recordEtag, type SortField } from "./service.js";

export const recordSchema = {
  type: "object",
  properties: {
    id: { type: "string" },
    collection: { type: ["string", "null"] },
    tokenId: { type: ["string", "null"] },
    version: { type: "integer" },
    document: documentSchema,
    createdAt: { type: "string", format: "date-time" },
    updatedAt: { type: "string", format: "date-time" },
  },
} as const;

export const errors = {
  400: errorResponse,
  401: errorResponse,
  403: errorResponse,
  429: errorResponse,
};

const writeBody = {
  type: "object",
  required: ["document"],
  additionalProperties: false,
  properties: {
    document: documentSchema,
    version: { type: "integer", minimum: 1, description: "The version last read (409 if stale)" },
  },
} as const;

export const createBody = {
  type: "object",
  required: ["document"],
  additionalProperties: false,
  properties: {
    collection: { type: "string", pattern: SLUG_PATTERN },
    tokenId: { type: "string", pattern: DECIMAL_TOKEN_PATTERN, description: "uint256, decimal" },
    document: documentSchema,
  },
} as const;

const SORTS = ["createdAt", "updatedAt", "tokenId", "name"] as const;

const listQuery = {
  type: "object",
  additionalProperties: false,
  properties: {
    ...pageQuery,
    collection: { type: "string", pattern: SLUG_PATTERN },
    search: { type: "string", minLength: 1, maxLength: 200 },
    trait: {
      type: "array",
      items: { type: "string", pattern: "^[^:]*:.*$", maxLength: 400 },
      maxItems: 10,
      description: "trait_type:value; repeat to require several",
    },
    sort: { type: "string", enum: [...SORTS, ...SORTS.map((s) => `-${s}`)] },
  },
} as const;

interface ListQuery {
  page: number;
  limit: number;
  collection?: string;
  search?: string;
  trait?: string[];
  sort?: string;
}

interface WriteBody {
  document: object;
  version?: number;
}

/** The raw text of a body's document, captured by the JSON body parser. */
export function documentText(doc: unknown): string {
  const raw = rawJsonOf(doc);
  if (raw === undefined) throw badRequest("document must be a JSON object");
  return raw;
}

export function preconditionOf(request: FastifyRequest, version?: number): Precondition {
  const ifMatch = request.headers["if-match"];
  return { version, ifMatch: parseIfMatch(Array.isArray(ifMatch) ? ifMatch.join(",") : ifMatch) };
}

export function canonicalTokenId(text: string, path: string): string {
  const tokenId = parseDecimalTokenId(text);
  if (tokenId === undefined) {
    throw badRequest("Token id must be a uint256 in decimal", [
      { path, message: "must be a decimal integer from 0 to 2^256-1" },
    ]);
  }
  return tokenId;
}

export function metadataRoutes(services: Services) {
  const { metadata } = services;

  return async function register(app: FastifyInstance) {
    app.get<{ Querystring: ListQuery }>(
      "/api/metadata",
      {
        config: { scope: "metadata:read" },
        schema: {
          tags: ["metadata"],
          querystring: listQuery,
          response: { 200: pageOf(recordSchema), ...errors },
        },
      },
      async (request, reply) => {
        const q = request.query;
        const sort = q.sort?.replace(/^-/, "") as SortField | undefined;
        const { items, total } = await metadata.list({
          collection: q.collection,
          search: q.search,
          traits: q.trait?.map(splitTrait),
          sort,
          descending: q.sort?.startsWith("-") ?? false,
          page: q.page,
          limit: q.limit,
        });
        return sendJsonText(
          reply,
          successJson(pageJson(items.map(metadataJson), total, q.page, q.limit)),
        );
      },
    );

    app.post<{ Body: { collection?: string; tokenId?: string; document: object } }>(
      "/api/metadata",
      {
        config: { scope: "metadata:write" },
        schema: {
          tags: ["metadata"],
          body: createBody,
          response: { 201: envelope(recordSchema), ...errors },
        },
      },
      async (request, reply) => {
        const body = request.body;
        const tokenId =
          body.tokenId === undefined ? undefined : canonicalTokenId(body.tokenId, "body.tokenId");
        const doc = prepareDocument(body.document, documentText(body.document));
        const created = await metadata.create({ collection: body.collection, tokenId }, doc);
        return sendRecord(reply, created, 201);
      },
    );

    app.get<{ Params: { id: string } }>(
      "/api/metadata/:id",
      {
        config: { scope: "metadata:read" },
        schema: {
          tags: ["metadata"],
          params: idParams,
          response: { 200: envelope(recordSchema), ...errors },
        },
      },
      async (request, reply) => {
        const { etag, json } = await metadata.getServed(request.params.id);
        reply.header("etag", etag);
        return sendJsonText(reply, successJson(json));
      },
    );

    app.put<{ Params: { id: string }; Body: WriteBody }>(
      "/api/metadata/:id",
      {
        config: { scope: "metadata:write" },
        schema: {
          tags: ["metadata"],
          params: idParams,
          body: writeBody,
          response: { 200: envelope(recordSchema), ...errors },
        },
      },
      async (request, reply) => {
        const { document, version } = request.body;
        const doc = prepareDocument(document, documentText(document));
        const updated = await metadata.replace(
          request.params.id,
          doc,
          preconditionOf(request, version),
        );
        return sendRecord(reply, updated);
      },
    );

    app.patch<{ Params: { id: string }; Body: WriteBody }>(
      "/api/metadata/:id",
      {
        config: { scope: "metadata:write" },
        schema: {
          tags: ["metadata"],
          description: "Merges `document` into the stored document (JSON Merge Patch, RFC 7396).",
          params: idParams,
          body: writeBody,
          response: { 200: envelope(recordSchema), ...errors },
        },
      },
      async (request, reply) => {
        const { document, version } = request.body;
        const pre = preconditionOf(request, version);
        const updated = await metadata.patch(request.params.id, documentText(document), pre);
        return sendRecord(reply, updated);
      },
    );

    app.delete<{ Params: { id: string } }>(
      "/api/metadata/:id",
      {
        config: { scope: "metadata:write" },
        schema: {
          tags: ["metadata"],
          params: idParams,
          response: {
            200: envelope({ type: "object", properties: { id: { type: "string" } } }),
            ...errors,
          },
        },
      },
      async (request) => {
        const before = await metadata.get(request.params.id);
        const deleted = await metadata.delete(before.id, preconditionOf(request));
        services.audit.record(
          adminEntry(request, "metadata.deleted", before.id, metadataJson(before), null),
        );
        return { success: true, data: deleted };
      },
    );

    app.get<{ Params: { id: string }; Querystring: { page: number; limit: number } }>(
      "/api/metadata/:id/versions",
      {
        config: { scope: "metadata:read" },
        schema: {
          tags: ["metadata"],
          params: idParams,
          querystring: { type: "object", additionalProperties: false, properties: pageQuery },
        },
      },
      async (request, reply) => {
        const { page, limit } = request.query;
        const { items, total } = await metadata.versions(request.params.id, page, limit);
        return sendJsonText(
          reply,
          successJson(pageJson(items.map(versionJson), total, page, limit)),
        );
      },
    );

    const versionParams = {
      type: "object",
      required: ["id", "version"],
      properties: { ...idParams.properties, version: { type: "integer", minimum: 1 } },
    } as const;

    app.get<{ Params: { id: string; version: number } }>(
      "/api/metadata/:id/versions/:version",
      { config: { scope: "metadata:read" }, schema: { tags: ["metadata"], params: versionParams } },
      async (request, reply) => {
        const v = await metadata.version(request.params.id, request.params.version);
        return sendJsonText(reply, successJson(versionJson(v)));
      },
    );

    app.post<{ Params: { id: string; version: number }; Body: { version?: number } | undefined }>(
      "/api/metadata/:id/versions/:version/restore",
      {
        config: { scope: "metadata:write" },
        schema: {
          tags: ["metadata"],
          description: "Makes an earlier version current again, as a new version.",
          params: versionParams,
          response: { 200: envelope(recordSchema), ...errors },
        },
      },
      async (request, reply) => {
        const { id, version } = request.params;
        const restored = await metadata.restore(
          id,
          version,
          preconditionOf(request, request.body?.version),
        );
        return sendRecord(reply, restored);
      },
    );
  };
}

function splitTrait(text: string): { type: string; value: string } {
  const at = text.indexOf(":");
  if (at < 0) throw badRequest("trait must be trait_type:value");
  return { type: text.slice(0, at), value: text.slice(at + 1) };
}

export function sendRecord(reply: FastifyReply, r: MetadataRecord, status = 200) {
  reply.header("etag", recordEtag(r));
  return sendJsonText(reply, successJson(metadataJson(r)), status);
}
