import type { FastifyInstance } from "fastify";
import { parseJsonBytes } from "../json/raw-json.js";

/**
 * Replaces Fastify's JSON parser with ours: strict UTF-8, no prototype keys, bounded depth, and
 * the raw text of every `document` kept so that it is stored and returned value-for-value.
 */
export function installJsonBodyParser(app: FastifyInstance): void {
  // Every other type (text/plain included) answers 415 unless a route group adds its own parser.
  app.removeAllContentTypeParsers();
  const parse = (_request: unknown, body: Buffer, done: (e: Error | null, v?: unknown) => void) => {
    try {
      // An empty body with a JSON type (many clients send the header on DELETE) is no body.
      done(null, body.length === 0 ? undefined : parseJsonBytes(body));
    } catch (error) {
      done(error as Error, undefined);
    }
  };
  app.addContentTypeParser("application/json", { parseAs: "buffer" }, parse);
  app.addContentTypeParser(/^application\/[a-z0-9.+-]*\+json$/, { parseAs: "buffer" }, parse);
}
