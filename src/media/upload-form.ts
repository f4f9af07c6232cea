import multipart, { type MultipartFile } from "@fastify/multipart";
import type { FastifyInstance, FastifyReply, preHandlerAsyncHookHandler } from "fastify";
import type { MediaConfig } from "../config.js";
import { AppError, badRequest } from "../errors.js";

/** Room for the multipart envelope around a file: boundaries, part headers, the alt field. */
export const FORM_OVERHEAD_BYTES = 64 * 1024;
const ALT_MAX_BYTES = 2000;
const FILE_NAME_MAX_CHARS = 1024;

export function largestLimit(media: MediaConfig): number {
  return Math.max(...Object.values(media.limitBytes));
}

/** Streaming multipart parsing for this plugin's routes; nothing is buffered or saved to disk. */
export async function installMultipart(app: FastifyInstance, media: MediaConfig, files: number) {
  await app.register(multipart, {
    limits: {
      // Each type's own limit is checked as the bytes pass (inspector.ts); this is a backstop.
      fileSize: largestLimit(media) + 1,
      files,
      fields: 4,
      fieldSize: ALT_MAX_BYTES,
      parts: files + 4,
      headerPairs: 20,
    },
  });
}

/**
 * The check that opens every upload route: multipart only (415), and a request that declares a
 * length no accepted batch of files could fit in is refused (413) before its body is read.
 */
export function uploadPrecheck(media: MediaConfig, files: number): preHandlerAsyncHookHandler {
  const most = files * (largestLimit(media) + FORM_OVERHEAD_BYTES);
  return async (request, reply) => {
    if (!request.isMultipart()) {
      throw new AppError("UNSUPPORTED_MEDIA_TYPE", "Send files as multipart/form-data");
    }
    if (Number(request.headers["content-length"] ?? 0) > most) {
      throw tooLarge(reply, "Request body is larger than any accepted upload");
    }
  };
}

/**
 * A 413 that closes the connection: the client may still be sending, and reading the rest of
 * its body only to throw it away would waste the bandwidth the limit is there to save.
 */
export function tooLarge(reply: FastifyReply, message: string): AppError {
  reply.header("connection", "close");
  return new AppError("PAYLOAD_TOO_LARGE", message);
}

/** Closes the connection after a 413 raised while a file was streaming. */
export function closeOnTooLarge(reply: FastifyReply, error: unknown): void {
  if (error instanceof AppError && error.code === "PAYLOAD_TOO_LARGE") {
    reply.header("connection", "close");
  }
}

/** The client's file name, kept as data only; busboy has already dropped any folder part. */
export function clientFileName(part: MultipartFile): string {
  const name = part.filename ?? "";
  if (name.length > FILE_NAME_MAX_CHARS) {
    throw badRequest("File name is too long", [
      {
        path: `body.${part.fieldname}`,
        message: `must be at most ${FILE_NAME_MAX_CHARS} characters`,
      },
    ]);
  }
  return name;
}

export function altText(value: unknown, truncated: boolean): string {
  if (typeof value !== "string" || truncated) {
    throw badRequest("alt is not acceptable", [
      { path: "body.alt", message: `must be text of at most ${ALT_MAX_BYTES} bytes` },
    ]);
  }
  return value;
}

/** Consumes the rest of a part that will not be stored, so that the form can go on. */
export function discard(part: MultipartFile): Promise<void> {
  const file = part.file;
  if (file.readableEnded || file.destroyed) return Promise.resolve();
  return new Promise((resolve) => {
    file
      .once("end", resolve)
      .once("close", resolve)
      .once("error", () => resolve());
    file.resume();
  });
}
