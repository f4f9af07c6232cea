import type { FastifyInstance, FastifyRequest } from "fastify";
import { AppError, ERROR_CODES } from "../errors.js";
import { ok } from "../http/envelope.js";
import { envelope } from "../http/schemas.js";
import type { Services } from "../services.js";
import { mediaErrors, mediaSchema } from "./schemas.js";
import type { MediaRecord } from "./service.js";
import { clientFileName, discard, installMultipart, uploadPrecheck } from "./upload-form.js";

type BatchResult =
  | { index: number; fileName: string; status: 201; data: MediaRecord }
  | { index: number; fileName: string; status: number; error: object };

const resultSchema = {
  type: "object",
  properties: {
    index: { type: "integer" },
    fileName: { type: "string" },
    status: { type: "integer" },
    data: mediaSchema,
    error: { type: "object", additionalProperties: true },
  },
} as const;

/**
 * `POST /api/media/batch`: each file of the `files` fields is stored on its own, so that one
 * refused file does not hold back the others; one result per file, in order.
 */
export function mediaBatchRoute(services: Services) {
  const { media, config } = services;
  const maxFiles = config.media.batchMaxFiles;

  return async function register(app: FastifyInstance) {
    await installMultipart(app, config.media, maxFiles);

    app.post(
      "/api/media/batch",
      {
        config: { scope: "media:write" },
        preHandler: uploadPrecheck(config.media, maxFiles),
        schema: {
          tags: ["media"],
          description: `Multipart form with up to ${maxFiles} \`files\` fields (MEDIA_BATCH_MAX_FILES).`,
          consumes: ["multipart/form-data"],
          response: {
            200: envelope({
              type: "object",
              properties: {
                created: { type: "integer" },
                failed: { type: "integer" },
                results: { type: "array", items: resultSchema },
              },
            }),
            ...mediaErrors,
          },
        },
      },
      async (request) => {
        const results = await receiveAll(request);
        const created = results.filter((r) => r.status === 201).length;
        return ok({ created, failed: results.length - created, results });
      },
    );
  };

  async function receiveAll(request: FastifyRequest): Promise<BatchResult[]> {
    const results: BatchResult[] = [];
    try {
      for await (const part of request.parts()) {
        if (part.type === "field") continue;
        if (part.fieldname !== "files" && part.fieldname !== "files[]") {
          await discard(part);
          continue;
        }
        results.push(await receiveFile(part, results.length));
      }
    } catch (error) {
      // Past the file count the whole batch is refused, and what it stored is taken back.
      await Promise.all(results.map((r) => ("data" in r ? media.delete(r.data.id) : undefined)));
      if (isFilesLimit(error)) {
        throw new AppError("PAYLOAD_TOO_LARGE", `A batch takes at most ${maxFiles} files`);
      }
      throw error;
    }
    return results;
  }

  async function receiveFile(
    part: Parameters<typeof clientFileName>[0],
    index: number,
  ): Promise<BatchResult> {
    const fileName = part.filename ?? "";
    try {
      const source = part.file;
      const data = await media.upload({
        source,
        fileName: clientFileName(part),
        declaredType: part.mimetype,
        alt: null,
      });
      return { index, fileName, status: 201, data };
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      await discard(part);
      const status = ERROR_CODES[error.code].status;
      const body = {
        success: false,
        error: error.message,
        code: error.code,
        details: error.details,
      };
      return { index, fileName, status, error: body };
    }
  }
}

function isFilesLimit(error: unknown): boolean {
  return error instanceof Error && "code" in error && error.code === "FST_FILES_LIMIT";
}
