import type { FastifyReply } from "fastify";
import { ERROR_CODES, type ErrorCode, type ErrorDetail } from "../errors.js";

export const JSON_TYPE = "application/json; charset=utf-8";

export interface Page<T> {
  items: T[];
  total: number;
  page: number;
  limit: number;
  pages: number;
}

export function ok<T>(data: T): { success: true; data: T } {
  return { success: true, data };
}

export function page<T>(items: T[], total: number, pageNo: number, limit: number): Page<T> {
  return { items, total, page: pageNo, limit, pages: Math.ceil(total / limit) };
}

/** Sends the one error body every failure uses. */
export function sendError(
  reply: FastifyReply,
  code: ErrorCode,
  message: string = ERROR_CODES[code].message,
  details?: ErrorDetail[],
  extra?: Record<string, unknown>,
): FastifyReply {
  const body: Record<string, unknown> = { success: false, error: message, code };
  if (details && details.length > 0) body.details = details;
  if (extra) Object.assign(body, extra);
  body.requestId = reply.request.id;
  return reply.code(ERROR_CODES[code].status).type(JSON_TYPE).send(JSON.stringify(body));
}
