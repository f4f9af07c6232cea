import { type FastifyReply, type FastifyRequest, LogController } from "fastify";
import type { LoggerOptions } from "pino";

/** Query parameters whose values are never written to a log, wherever they appear. */
const SECRET_PARAM = /key|token|secret|password|auth|session/i;

/** The logger's options: secrets redacted wherever a header could be logged. */
export function loggerOptions(level: string): LoggerOptions {
  return {
    level,
    redact: {
      paths: [
        "req.headers.authorization",
        'req.headers["x-api-key"]',
        "req.headers.cookie",
        'res.headers["set-cookie"]',
        "headers.authorization",
        'headers["x-api-key"]',
        "headers.cookie",
      ],
      censor: "[redacted]",
    },
    serializers: {
      req: (req: FastifyRequest) => ({ method: req.method, url: safeUrl(req.url), ip: req.ip }),
    },
  };
}

/** The URL with the value of any secret-looking query parameter replaced. */
export function safeUrl(url: string): string {
  const at = url.indexOf("?");
  if (at < 0) return url;
  const params = new URLSearchParams(url.slice(at + 1));
  for (const name of [...params.keys()]) {
    if (SECRET_PARAM.test(name)) params.set(name, "[redacted]");
  }
  return `${url.slice(0, at)}?${params.toString()}`;
}

/** One line per request, when it completes; 5xx at error, everything else at info. */
export class RequestLog extends LogController {
  override incomingRequest(): void {}

  override requestCompleted(
    error: Error | null,
    request: FastifyRequest,
    reply: FastifyReply,
  ): void {
    const level = reply.statusCode >= 500 ? "error" : "info";
    request.log[level](
      {
        method: request.method,
        route: request.routeOptions.url,
        status: reply.statusCode,
        ms: Math.round(reply.elapsedTime * 100) / 100,
        keyId: request.apiKey?.id,
        err: error ?? undefined,
      },
      "request",
    );
  }
}
