import type { FastifyReply } from "fastify";
import { JSON_TYPE } from "./envelope.js";

/** Shared pieces of route schemas: validation, serialisation and the OpenAPI document. */

export const SLUG_PATTERN = "^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$";
export const DECIMAL_TOKEN_PATTERN = "^[0-9]{1,78}$";

export const pageQuery = {
  page: { type: "integer", minimum: 1, maximum: 1_000_000, default: 1 },
  limit: { type: "integer", minimum: 1, maximum: 100, default: 20 },
} as const;

export const idParams = {
  type: "object",
  required: ["id"],
  properties: { id: { type: "string", minLength: 1, maxLength: 200 } },
} as const;

export const errorResponse = {
  type: "object",
  properties: {
    success: { const: false },
    error: { type: "string" },
    code: { type: "string" },
    details: {
      type: "array",
      items: {
        type: "object",
        properties: { path: { type: "string" }, message: { type: "string" } },
      },
    },
    requestId: { type: "string" },
  },
} as const;

/** The success envelope around `data`, for the OpenAPI document. */
export function envelope(data: object) {
  return {
    type: "object",
    properties: { success: { const: true }, data },
  } as const;
}

export function pageOf(item: object) {
  return envelope({
    type: "object",
    properties: {
      items: { type: "array", items: item },
      total: { type: "integer" },
      page: { type: "integer" },
      limit: { type: "integer" },
      pages: { type: "integer" },
    },
  });
}

export const documentSchema = {
  type: "object",
  additionalProperties: true,
  description: "The token's metadata JSON (ERC-721 / ERC-1155 / OpenSea fields), kept as sent.",
} as const;

/** Sends JSON text that was assembled by hand (see metadata/serialize.ts). */
export function sendJsonText(reply: FastifyReply, text: string, status = 200): FastifyReply {
  return reply.code(status).type(JSON_TYPE).send(text);
}

/** The entity tags listed in an If-Match header. Weak tags never match (RFC 9110 §13.1.1). */
export function parseIfMatch(header: string | undefined): string[] | undefined {
  if (header === undefined) return undefined;
  return header
    .split(",")
    .map((t) => t.trim())
    .filter((t) => t !== "" && !t.startsWith("W/"));
}
