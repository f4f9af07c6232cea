import type { FastifyInstance } from "fastify";
import { adminEntry } from "../audit/admin-entry.js";
import { type ErrorDetail, invalidDocument } from "../errors.js";
import { ok, page } from "../http/envelope.js";
import { envelope, errorResponse, pageOf, pageQuery, SLUG_PATTERN } from "../http/schemas.js";
import { rawJsonOf } from "../json/raw-json.js";
import { uriProblem } from "../metadata/document-rules.js";
import { errors } from "../metadata/routes.js";
import type { Services } from "../services.js";
import { type ImportItem, importTokens } from "./import.js";
import type { CollectionFields } from "./service.js";
import { parseDecimalTokenId } from "./token-id.js";

const ADDRESS = "^0x[0-9a-fA-F]{40}$";
const uri = { type: ["string", "null"], maxLength: 100_000 } as const;

const fieldSchemas = {
  name: { type: "string", minLength: 1, maxLength: 200 },
  standard: { type: "string", enum: ["erc721", "erc1155"] },
  description: { type: ["string", "null"], maxLength: 10_000 },
  image: uri,
  banner_image: uri,
  featured_image: uri,
  external_link: uri,
  collaborators: {
    type: ["array", "null"],
    items: { type: "string", pattern: ADDRESS },
    maxItems: 100,
    description: "EIP-7572 collaborator addresses",
  },
  chainId: { type: ["integer", "null"], minimum: 1 },
  contractAddress: { type: ["string", "null"], pattern: ADDRESS },
  public: { type: "boolean", description: "Whether /metadata/… serves its tokens without a key" },
} as const;

const collectionSchema = {
  type: "object",
  properties: {
    slug: { type: "string" },
    ...fieldSchemas,
    tokenCount: { type: "integer" },
    createdAt: { type: "string" },
    updatedAt: { type: "string" },
  },
} as const;

const slugParams = {
  type: "object",
  required: ["collection"],
  properties: { collection: { type: "string", pattern: SLUG_PATTERN } },
} as const;

const URI_FIELDS = ["image", "banner_image", "featured_image", "external_link"] as const;

/** EIP-7572 image and link fields follow the same URI rules as token documents. */
function checkUris(fields: Partial<CollectionFields>): void {
  const problems: ErrorDetail[] = [];
  for (const field of URI_FIELDS) {
    const value = fields[field];
    if (value === undefined || value === null) continue;
    const problem = uriProblem(value);
    if (problem) problems.push({ path: `body.${field}`, message: problem });
  }
  if (problems.length > 0) throw invalidDocument(problems);
}

export function collectionRoutes(services: Services) {
  const { collections, db, config } = services;

  return async function register(app: FastifyInstance) {
    app.get<{ Querystring: { page: number; limit: number } }>(
      "/api/collections",
      {
        config: { scope: "metadata:read" },
        schema: {
          tags: ["collections"],
          querystring: { type: "object", additionalProperties: false, properties: pageQuery },
          response: { 200: pageOf(collectionSchema), ...errors },
        },
      },
      async (request) => {
        const { page: pageNo, limit } = request.query;
        const { items, total } = await collections.list(pageNo, limit);
        return ok(page(items, total, pageNo, limit));
      },
    );

    app.post<{ Body: CollectionFields & { slug: string } }>(
      "/api/collections",
      {
        config: { scope: "metadata:write" },
        schema: {
          tags: ["collections"],
          body: {
            type: "object",
            required: ["slug", "name", "standard"],
            additionalProperties: false,
            properties: { slug: { type: "string", pattern: SLUG_PATTERN }, ...fieldSchemas },
          },
          response: { 201: envelope(collectionSchema), ...errors },
        },
      },
      async (request, reply) => {
        const { slug, ...fields } = request.body;
        checkUris(fields);
        return reply.code(201).send(ok(await collections.create(slug, fields)));
      },
    );

    app.get<{ Params: { collection: string } }>(
      "/api/collections/:collection",
      {
        config: { scope: "metadata:read" },
        schema: {
          tags: ["collections"],
          params: slugParams,
          response: { 200: envelope(collectionSchema), ...errors },
        },
      },
      async (request) => ok(await collections.get(request.params.collection)),
    );

    for (const method of ["put", "patch"] as const) {
      app[method]<{ Params: { collection: string }; Body: Partial<CollectionFields> }>(
        "/api/collections/:collection",
        {
          config: { scope: "metadata:write" },
          schema: {
            tags: ["collections"],
            description: method === "put" ? "Replaces every field." : "Changes the fields given.",
            params: slugParams,
            body: {
              type: "object",
              additionalProperties: false,
              required: method === "put" ? ["name", "standard"] : [],
              properties: fieldSchemas,
            },
            response: { 200: envelope(collectionSchema), ...errors },
          },
        },
        async (request) => {
          checkUris(request.body);
          const slug = request.params.collection;
          return ok(await collections.update(slug, request.body, method === "put"));
        },
      );
    }

    app.delete<{ Params: { collection: string }; Querystring: { force: boolean } }>(
      "/api/collections/:collection",
      {
        config: { scope: "metadata:write" },
        schema: {
          tags: ["collections"],
          params: slugParams,
          querystring: {
            type: "object",
            additionalProperties: false,
            properties: { force: { type: "boolean", default: false } },
          },
          response: {
            200: envelope({
              type: "object",
              properties: { id: { type: "string" }, deletedTokens: { type: "integer" } },
            }),
            ...errors,
          },
        },
      },
      async (request) => {
        const slug = request.params.collection;
        const before = await collections.get(slug);
        const deleted = await collections.delete(slug, request.query.force);
        services.audit.record(adminEntry(request, "collection.deleted", slug, before, null));
        return ok(deleted);
      },
    );

    app.post<{ Params: { collection: string }; Body: { tokenId: string; document: object }[] }>(
      "/api/collections/:collection/import",
      {
        config: { scope: "metadata:write" },
        bodyLimit: config.importBodyLimitBytes,
        schema: {
          tags: ["collections"],
          description:
            "Imports token documents; unchanged ones are left alone, changed ones get a new version.",
          params: slugParams,
          body: {
            type: "array",
            maxItems: 100_000,
            items: {
              type: "object",
              required: ["tokenId", "document"],
              additionalProperties: false,
              properties: {
                tokenId: { type: "string", minLength: 1, maxLength: 80 },
                document: { type: "object" },
              },
            },
          },
          response: { 400: errorResponse, 401: errorResponse, 403: errorResponse },
        },
      },
      async (request) => {
        const slug = request.params.collection;
        await collections.get(slug);
        const items: ImportItem[] = [];
        const skipped = [];
        for (const [i, entry] of request.body.entries()) {
          const tokenId = parseDecimalTokenId(entry.tokenId);
          const raw = rawJsonOf(entry.document);
          if (tokenId === undefined || raw === undefined) {
            skipped.push({ source: `items[${i}]`, reason: "tokenId is not a uint256 in decimal" });
          } else {
            items.push({ source: `items[${i}]`, tokenId, value: entry.document, raw });
          }
        }
        const report = await importTokens(db, services.metadata, slug, items);
        report.skipped.unshift(...skipped);
        return ok(report);
      },
    );
  };
}
