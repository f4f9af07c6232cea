import { randomUUID } from "node:crypto";
import type { Duplex } from "node:stream";
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

/** What the multipart parser (busboy) throws for a body that is not the form it claims to be. */
const MALFORMED_MULTIPART =
  /^(Multipart: Boundary not found|Unexpected end of (form|multipart data)|Part terminated early|Malformed part header)/;

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
    if (MALFORMED_MULTIPART.test(error.message)) {
      return sendError(reply, "BAD_REQUEST", "Malformed multipart body", [
        { path: "body", message: error.message },
      ]);
    }
    const code = (error.code && FASTIFY_CODES[error.code]) ?? STATUS_CODES[error.statusCode ?? 0];
    if (code) return sendError(reply, code, error.message);
    // Any other client error a plugin or the router raised (a bad URL, a parameter too long).
    const status = error.statusCode ?? 500;
    if (status >= 400 && status < 500) return sendError(reply, "BAD_REQUEST", error.message);
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
    // Token URIs and media are read by browsers from any origin, their 404s included.
    if (/^\/(metadata|media)\//.test(request.url)) reply.header("access-control-allow-origin", "*");
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

/**
 * Answers a request that Node's HTTP parser refused (a broken header, a wrong Content-Length)
 * in the one error body, since no route or hook ever sees it.
 */
export function clientErrorHandler(error: Error & { code?: string }, socket: Duplex): void {
  if (error.code === "ECONNRESET" || !socket.writable) return;
  const body = JSON.stringify({
    success: false,
    error: "Malformed HTTP request",
    code: "BAD_REQUEST",
    requestId: randomUUID(),
  });
  socket.end(
    `HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}
