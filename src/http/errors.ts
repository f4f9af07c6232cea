import type { FastifyError, FastifyInstance } from "fastify";
import { AppError, type ErrorCode, type ErrorDetail } from "../errors.js";
import { JsonInputError } from "../json/raw-json.js";
import { sendError } from "./envelope.js";

const FASTIFY_CODES: Record<string, ErrorCode> = {
  FST_ERR_CTP_BODY_TOO_LARGE: "PAYLOAD_TOO_LARGE",
  FST_ERR_CTP_INVALID_MEDIA_TYPE: "UNSUPPORTED_MEDIA_TYPE",
  FST_ERR_CTP_EMPTY_JSON_BODY: "BAD_REQUEST",
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: "BAD_REQUEST",
  FST_ERR_CTP_EMPTY_TYPE: "UNSUPPORTED_MEDIA_TYPE",
  FST_ERR_CTP_INVALID_TYPE: "UNSUPPORTED_MEDIA_TYPE",
};

const STATUS_CODES: Record<number, ErrorCode> = {
  400: "BAD_REQUEST",
  404: "NOT_FOUND",
  413: "PAYLOAD_TOO_LARGE",
  415: "UNSUPPORTED_MEDIA_TYPE",
};

/** Turns every failure into the one error body; unknown errors answer a generic 500. */
export function installErrorHandlers(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (error instanceof AppError) {
      return sendError(reply, error.code, error.message, error.details, error.extra);
    }
    if (error instanceof JsonInputError) {
      return sendError(reply, "BAD_REQUEST", "Request body is not acceptable JSON", error.details);
    }
    if (error.validation) {
      const details = error.validation.map((v) =>
        validationDetail(error.validationContext, v.instancePath, v.message, v.params),
      );
      return sendError(reply, "BAD_REQUEST", "Request does not match the expected shape", details);
    }
    const code = (error.code && FASTIFY_CODES[error.code]) ?? STATUS_CODES[error.statusCode ?? 0];
    if (code) return sendError(reply, code, error.message);
    if (isStoreUnavailable(error)) {
      request.log.error({ err: error.message }, "database unavailable");
      reply.header("retry-after", 5);
      return sendError(
        reply,
        "SERVICE_UNAVAILABLE",
        "The database is unavailable; try again shortly",
      );
    }
    request.log.error({ err: error }, "unhandled error");
    return sendError(reply, "INTERNAL_ERROR");
  });

  app.setNotFoundHandler((request, reply) => {
    return sendError(
      reply,
      "NOT_FOUND",
      `Route ${request.method} ${request.url.split("?")[0]} not found`,
    );
  });
}

const UNAVAILABLE_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "EPIPE",
  "ENOTFOUND",
  "EAI_AGAIN",
  "57P01", // PostgreSQL: admin_shutdown
  "57P03", // PostgreSQL: cannot_connect_now
  "SQLITE_BUSY",
]);

/** A failure to reach the database (not a fault in the request): the client may retry. */
function isStoreUnavailable(error: Error & { code?: string }): boolean {
  if (error.code && UNAVAILABLE_CODES.has(error.code)) return true;
  return /Connection terminated|timeout exceeded when trying to connect|connect ECONNREFUSED/i.test(
    error.message,
  );
}

function validationDetail(
  context: string | undefined,
  instancePath: string,
  message: string | undefined,
  params: Record<string, unknown>,
): ErrorDetail {
  const segments = instancePath.split("/").filter(Boolean);
  const missing = params.missingProperty ?? params.additionalProperty;
  if (typeof missing === "string") segments.push(missing);
  let path = context ?? "body";
  for (const s of segments) path += /^\d+$/.test(s) ? `[${s}]` : `.${s}`;
  const text =
    params.additionalProperty !== undefined ? "is not a known field" : (message ?? "is invalid");
  return { path, message: text };
}
