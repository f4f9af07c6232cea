/** Every error code the API can answer with, its HTTP status and its default message. */
export const ERROR_CODES = {
  BAD_REQUEST: { status: 400, message: "Bad request" },
  UNAUTHORIZED: { status: 401, message: "Invalid or missing API key" },
  FORBIDDEN: { status: 403, message: "Insufficient permissions for this operation" },
  NOT_FOUND: { status: 404, message: "Not found" },
  CONFLICT: { status: 409, message: "Conflict" },
  PAYLOAD_TOO_LARGE: { status: 413, message: "Request body is too large" },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, message: "Unsupported media type" },
  VALIDATION_ERROR: { status: 422, message: "Document does not meet the metadata standard" },
  RATE_LIMITED: { status: 429, message: "Rate limit exceeded" },
  INTERNAL_ERROR: { status: 500, message: "Internal server error" },
  SERVICE_UNAVAILABLE: { status: 503, message: "Service unavailable" },
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

export interface ErrorDetail {
  path: string;
  message: string;
}

/**
 * An expected failure raised by a service. Only the HTTP edge (and the CLI) turn it into an
 * answer; services never speak of status codes.
 */
export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string = ERROR_CODES[code].message,
    readonly details?: ErrorDetail[],
    readonly extra?: Record<string, unknown>,
  ) {
    super(message);
    this.name = "AppError";
  }
}

export const notFound = (what: string) => new AppError("NOT_FOUND", `${what} not found`);

export const conflict = (message: string) => new AppError("CONFLICT", message);

export const badRequest = (message: string, details?: ErrorDetail[]) =>
  new AppError("BAD_REQUEST", message, details);

export const invalidDocument = (details: ErrorDetail[]) =>
  new AppError("VALIDATION_ERROR", ERROR_CODES.VALIDATION_ERROR.message, details);
