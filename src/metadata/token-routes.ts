import type { FastifyInstance } from "fastify";
import { notFound } from "../errors.js";
import { documentSchema, envelope, SLUG_PATTERN } from "../http/schemas.js";
import type { Services } from "../services.js";
import { prepareDocument } from "./document.js";
import {
  canonicalTokenId,
  documentText,
  errors,
  preconditionOf,
  recordSchema,
  sendRecord,
} from "./routes.js";

const tokenParams = {
  type: "object",
  required: ["collection", "tokenId"],
  properties: {
    collection: { type: "string", pattern: SLUG_PATTERN },
    tokenId: { type: "string", maxLength: 100, description: "uint256, decimal" },
  },
} as const;

interface TokenParams {
  collection: string;
  tokenId: string;
}

/** A token's document addressed by collection and token id, as contracts address it. */
export function tokenRoutes(services: Services) {
  const { metadata } = services;

  return async function register(app: FastifyInstance) {
    app.get<{ Params: TokenParams }>(
      "/api/collections/:collection/tokens/:tokenId",
      {
        config: { scope: "metadata:read" },
        schema: {
          tags: ["metadata"],
          params: tokenParams,
          response: { 200: envelope(recordSchema), ...errors },
        },
      },
      async (request, reply) => {
        const { collection } = request.params;
        const tokenId = canonicalTokenId(request.params.tokenId, "params.tokenId");
        const record = await metadata.getByToken(collection, tokenId);
        if (!record) throw notFound("Token");
        return sendRecord(reply, record);
      },
    );

    app.put<{ Params: TokenParams; Body: { document: object; version?: number } }>(
      "/api/collections/:collection/tokens/:tokenId",
      {
        config: { scope: "metadata:write" },
        schema: {
          tags: ["metadata"],
          description: "Creates the token's document (201) or replaces it (200).",
          params: tokenParams,
          body: {
            type: "object",
            required: ["document"],
            additionalProperties: false,
            properties: { document: documentSchema, version: { type: "integer", minimum: 1 } },
          },
          response: { 200: envelope(recordSchema), 201: envelope(recordSchema), ...errors },
        },
      },
      async (request, reply) => {
        const { collection } = request.params;
        const tokenId = canonicalTokenId(request.params.tokenId, "params.tokenId");
        const { document, version } = request.body;
        const doc = prepareDocument(document, documentText(document));
        const pre = preconditionOf(request, version);
        const { record, created } = await metadata.putByToken(collection, tokenId, doc, pre);
        return sendRecord(reply, record, created ? 201 : 200);
      },
    );
  };
}
