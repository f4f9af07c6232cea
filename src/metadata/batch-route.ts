import type { FastifyInstance } from "fastify";
import { AppError, ERROR_CODES } from "../errors.js";
import { sendJsonText } from "../http/schemas.js";
import type { Services } from "../services.js";
import { prepareDocument } from "./document.js";
import { canonicalTokenId, createBody, documentText, errors } from "./routes.js";
import { metadataJson, successJson } from "./serialize.js";

interface BatchItem {
  collection?: string;
  tokenId?: string;
  document: object;
}

/**
 * `POST /api/metadata/batch`: creates each item on its own, so that one bad document does not
 * hold back the others; answers one result per item, in order.
 */
export function metadataBatchRoute(services: Services) {
  const { metadata, config } = services;

  return async function register(app: FastifyInstance) {
    app.post<{ Body: { items: BatchItem[] } }>(
      "/api/metadata/batch",
      {
        config: { scope: "metadata:write" },
        bodyLimit: config.importBodyLimitBytes,
        schema: {
          tags: ["metadata"],
          description: "Creates up to BATCH_MAX_ITEMS records; one result per item.",
          body: {
            type: "object",
            required: ["items"],
            additionalProperties: false,
            properties: {
              items: {
                type: "array",
                minItems: 1,
                maxItems: config.batchMaxItems,
                items: createBody,
              },
            },
          },
          response: errors,
        },
      },
      async (request, reply) => {
        const results: string[] = [];
        let created = 0;
        for (const [index, item] of request.body.items.entries()) {
          const result = await createOne(item, index);
          if (result.ok) created++;
          results.push(result.json);
        }
        const failed = results.length - created;
        const data = `{"created":${created},"failed":${failed},"results":[${results.join(",")}]}`;
        return sendJsonText(reply, successJson(data));
      },
    );
  };

  async function createOne(item: BatchItem, index: number) {
    try {
      const path = `body.items[${index}]`;
      const tokenId =
        item.tokenId === undefined ? undefined : canonicalTokenId(item.tokenId, `${path}.tokenId`);
      const doc = prepareDocument(item.document, documentText(item.document), `${path}.document`);
      const record = await metadata.create({ collection: item.collection, tokenId }, doc);
      return { ok: true, json: `{"index":${index},"status":201,"data":${metadataJson(record)}}` };
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      const body = {
        success: false,
        error: error.message,
        code: error.code,
        details: error.details,
      };
      const status = ERROR_CODES[error.code].status;
      return {
        ok: false,
        json: `{"index":${index},"status":${status},"error":${JSON.stringify(body)}}`,
      };
    }
  }
}
