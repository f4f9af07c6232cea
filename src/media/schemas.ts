import { errorResponse } from "../http/schemas.js";

/** Response schemas of the media routes, for serialisation and the OpenAPI document. */

const nullableInt = { type: ["integer", "null"] } as const;

export const mediaSchema = {
  type: "object",
  properties: {
    id: { type: "string" },
    fileName: { type: "string", description: "As uploaded; never used to name stored objects" },
    mimeType: { type: "string", description: "Decided from the bytes" },
    size: { type: "integer" },
    sha256: { type: "string" },
    cid: { type: "string", description: "CIDv1, as `ipfs add --cid-version 1` computes it" },
    width: nullableInt,
    height: nullableInt,
    durationSeconds: { type: ["number", "null"] },
    variants: {
      type: "array",
      items: {
        type: "object",
        properties: {
          name: { type: "string" },
          width: { type: "integer" },
          height: { type: "integer" },
          mimeType: { type: "string" },
          size: { type: "integer" },
          url: { type: "string" },
        },
      },
    },
    variantsStatus: { type: "string", enum: ["none", "pending", "ready", "failed"] },
    url: { type: "string", description: "Public content URL of the bytes" },
    alt: { type: ["string", "null"] },
    createdAt: { type: "string", format: "date-time" },
  },
} as const;

export const mediaErrors = {
  400: errorResponse,
  401: errorResponse,
  403: errorResponse,
  413: errorResponse,
  415: errorResponse,
  429: errorResponse,
};
