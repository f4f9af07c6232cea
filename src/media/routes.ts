import type { FastifyInstance, FastifyRequest } from "fastify";
import { badRequest } from "../errors.js";
import { ok, page } from "../http/envelope.js";
import { envelope, idParams, pageOf, pageQuery } from "../http/schemas.js";
import type { Services } from "../services.js";
import { mediaErrors, mediaSchema } from "./schemas.js";
import type { MediaRecord, MediaService } from "./service.js";
import {
  altText,
  clientFileName,
  closeOnTooLarge,
  discard,
  installMultipart,
  uploadPrecheck,
} from "./upload-form.js";

interface ListQuery {
  page: number;
  limit: number;
  type?: string;
  name?: string;
}

/** `POST|GET /api/media` and `GET|DELETE /api/media/:id`. */
export function mediaRoutes(services: Services) {
  const { media, config } = services;

  return async function register(app: FastifyInstance) {
    media.log = app.log;
    app.addHook("onClose", () => media.idle());
    await installMultipart(app, config.media, 1);

    app.post(
      "/api/media",
      {
        config: { scope: "media:write" },
        preHandler: uploadPrecheck(config.media, 1),
        schema: {
          tags: ["media"],
          description: "Multipart form: `file` (required) and `alt` (optional).",
          consumes: ["multipart/form-data"],
          response: { 201: envelope(mediaSchema), ...mediaErrors },
        },
      },
      async (request, reply) => {
        try {
          const record = await receiveOne(request, media);
          return reply.code(201).send(ok(record));
        } catch (error) {
          closeOnTooLarge(reply, error);
          throw error;
        }
      },
    );

    app.get<{ Querystring: ListQuery }>(
      "/api/media",
      {
        config: { scope: "media:read" },
        schema: {
          tags: ["media"],
          querystring: {
            type: "object",
            additionalProperties: false,
            properties: {
              ...pageQuery,
              type: {
                type: "string",
                pattern: "^(image|video|audio|model)(/[a-z0-9.+-]{1,60})?$",
                description: "A kind (image, video, audio, model) or a MIME type",
              },
              name: {
                type: "string",
                minLength: 1,
                maxLength: 200,
                description: "Part of the file name",
              },
            },
          },
          response: { 200: pageOf(mediaSchema), ...mediaErrors },
        },
      },
      async (request) => {
        const { items, total } = await media.list(request.query);
        return ok(page(items, total, request.query.page, request.query.limit));
      },
    );

    app.get<{ Params: { id: string } }>(
      "/api/media/:id",
      {
        config: { scope: "media:read" },
        schema: {
          tags: ["media"],
          params: idParams,
          response: { 200: envelope(mediaSchema), ...mediaErrors },
        },
      },
      async (request) => ok(await media.get(request.params.id)),
    );

    app.delete<{ Params: { id: string } }>(
      "/api/media/:id",
      {
        config: { scope: "media:write" },
        schema: { tags: ["media"], params: idParams, response: mediaErrors },
      },
      async (request) => ok(await media.delete(request.params.id)),
    );
  };
}

/** Reads the form: one `file`, and `alt` before or after it. */
async function receiveOne(request: FastifyRequest, media: MediaService): Promise<MediaRecord> {
  const form = { record: undefined as MediaRecord | undefined, alt: null as string | null };
  try {
    await readForm(request, media, form);
  } catch (error) {
    // The file arrived whole but the request did not (a client gone, a later part refused).
    if (form.record) await media.delete(form.record.id);
    throw error;
  }
  const { record, alt } = form;
  if (!record) {
    throw badRequest("No file in the form", [{ path: "body.file", message: "is required" }]);
  }
  // alt sent after the file.
  if (alt !== null && record.alt !== alt) return media.setAlt(record.id, alt);
  return record;
}

async function readForm(
  request: FastifyRequest,
  media: MediaService,
  form: { record: MediaRecord | undefined; alt: string | null },
): Promise<void> {
  for await (const part of request.parts()) {
    if (part.type === "field") {
      if (part.fieldname === "alt") form.alt = altText(part.value, part.valueTruncated);
      continue;
    }
    if (part.fieldname !== "file" || form.record) {
      await discard(part);
      continue;
    }
    const fileName = clientFileName(part);
    const { alt } = form;
    form.record = await media.upload({
      source: part.file,
      fileName,
      declaredType: part.mimetype,
      alt,
    });
  }
}
