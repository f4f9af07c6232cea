import Ajv, { type Options } from "ajv";
import addFormats from "ajv-formats";
import type { FastifyInstance } from "fastify";

function makeAjv(options: Options) {
  const ajv = new Ajv.default({ allErrors: true, strict: false, ...options });
  addFormats.default(ajv);
  return ajv;
}

/**
 * Bodies are validated exactly as sent: a number is never turned into a string (a token id sent
 * as a JSON number is refused). Query strings and path parameters arrive as text and are coerced.
 */
export function installValidators(app: FastifyInstance): void {
  const body = makeAjv({ coerceTypes: false, useDefaults: true, removeAdditional: false });
  const text = makeAjv({ coerceTypes: "array", useDefaults: true, removeAdditional: false });
  app.setValidatorCompiler(({ schema, httpPart }) =>
    httpPart === "body" ? body.compile(schema) : text.compile(schema),
  );
}
