import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { Services } from "../services.js";
import { matchesNoneMatch, parseRange } from "./range.js";
import type { ContentObject } from "./service.js";

const ADDRESS = "^(?:[0-9a-f]{64}|b[a-z2-7]{20,120})$";
const VARIANT = "^[0-9]{1,5}\\.(?:webp|avif)$";

// Content never changes at a content address, so caches may keep it for a year (RFC 8246).
const IMMUTABLE = "public, max-age=31536000, immutable";
// Stored bytes are never a page: no script may run even if a browser is made to render one.
const NO_SCRIPT = "default-src 'none'; sandbox";

/**
 * `GET /media/:address` and `GET /media/:address/:variant`: the bytes at their SHA-256 or CID.
 * Public, like the public token URIs: a content address is unguessable without the content,
 * and these URLs are meant to be linked from metadata `image` fields.
 */
export function mediaContentRoute(services: Services) {
  const { media } = services;

  return async function register(app: FastifyInstance) {
    const schema = {
      tags: ["media"],
      params: {
        type: "object",
        required: ["address"],
        properties: {
          address: { type: "string", pattern: ADDRESS },
          variant: { type: "string", pattern: VARIANT },
        },
      },
    };
    // Browsers read media from any origin; its errors too, or a page cannot tell what failed.
    app.addHook("onRequest", async (_request, reply) => {
      reply.header("access-control-allow-origin", "*");
    });
    app.get<{ Params: { address: string } }>(
      "/media/:address",
      { config: { public: true }, schema },
      async (request, reply) => send(request, reply, await media.content(request.params.address)),
    );
    app.get<{ Params: { address: string; variant: string } }>(
      "/media/:address/:variant",
      { config: { public: true }, schema },
      async (request, reply) => {
        const { address, variant } = request.params;
        return send(request, reply, await media.content(address, variant));
      },
    );
  };

  async function send(request: FastifyRequest, reply: FastifyReply, object: ContentObject) {
    reply
      .header("etag", object.etag)
      .header("cache-control", IMMUTABLE)
      .header("accept-ranges", "bytes")
      .header("access-control-allow-origin", "*")
      .header("cross-origin-resource-policy", "cross-origin")
      .header("x-content-type-options", "nosniff")
      .header("content-security-policy", NO_SCRIPT);
    if (matchesNoneMatch(request.headers["if-none-match"], object.etag)) {
      return reply.code(304).send();
    }
    const ifRange = request.headers["if-range"];
    const range =
      ifRange === undefined || ifRange === object.etag
        ? parseRange(request.headers.range, object.size)
        : undefined;
    if (range === "unsatisfiable") {
      return reply.code(416).header("content-range", `bytes */${object.size}`).send();
    }
    reply.type(object.mimeType);
    if (range === undefined) {
      reply.header("content-length", object.size);
      return reply.send(await media.store.read(object.key));
    }
    reply
      .code(206)
      .header("content-range", `bytes ${range.start}-${range.end}/${object.size}`)
      .header("content-length", range.end - range.start + 1);
    return reply.send(await media.store.read(object.key, range));
  }
}
