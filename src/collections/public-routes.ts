import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { publicKey } from "../cache/hot-cache.js";
import type { Db, FastQuery } from "../db/database.js";
import { sendError } from "../http/envelope.js";
import { etagOf } from "../metadata/document.js";
import type { Services } from "../services.js";
import { contractDocument } from "./service.js";
import { parseDecimalTokenId, parseHexTokenId, tokenKey } from "./token-id.js";

const DOCUMENT_TYPE = "application/json; charset=utf-8";

interface PublicDocument {
  document: string;
  etag: string;
}

/**
 * Token URIs for contracts: `/metadata/:collection/:tokenId[.json]`, the 64-hex form for ERC-1155
 * and `contract.json` (EIP-7572). No key; only collections marked public; CORS on every answer.
 */
export function publicRoutes(services: Services) {
  const { db, collections, config, cache, database } = services;
  const reads = publicReads(db, database.query);
  const cacheControl = `public, max-age=${config.publicCacheSeconds}`;

  return async function register(app: FastifyInstance) {
    app.addHook("onRequest", async (_request, reply) => {
      reply.header("access-control-allow-origin", "*");
      reply.header("access-control-expose-headers", "ETag");
    });

    app.options(
      "/metadata/*",
      { config: { public: true }, schema: { hide: true } },
      async (_request, reply) => {
        reply.header("access-control-allow-methods", "GET, HEAD, OPTIONS");
        reply.header("access-control-allow-headers", "If-None-Match");
        reply.header("access-control-max-age", "86400");
        return reply.code(204).send();
      },
    );

    app.get<{ Params: { collection: string; token: string } }>(
      "/metadata/:collection/:token",
      {
        config: { public: true },
        schema: {
          tags: ["public"],
          description:
            "The token's document alone, for a contract's tokenURI. `contract.json` answers the collection's EIP-7572 document.",
        },
      },
      async (request, reply) => {
        const { collection, token } = request.params;
        const id = token.endsWith(".json") ? token.slice(0, -5) : token;
        const found =
          id === "contract" && token.endsWith(".json")
            ? await contractJson(collection)
            : await cachedPublicToken(collection, id);
        if (!found) return sendError(reply, "NOT_FOUND", "Token not found");
        return sendDocument(request, reply, found, cacheControl);
      },
    );
  };

  /** The hot path: the shared cache first, then the database (and fill the cache). */
  async function cachedPublicToken(collection: string, id: string) {
    const key = publicCacheKey(collection, id);
    if (key === undefined) return undefined;
    const cached = await cache.read(key);
    if (cached !== undefined) {
      const cut = cached.indexOf("\n");
      return { etag: cached.slice(0, cut), document: cached.slice(cut + 1) };
    }
    const found = await findPublicToken(reads, collection, id);
    if (found) cache.fill(key, `${found.etag}\n${found.document}`);
    return found;
  }

  async function contractJson(slug: string): Promise<PublicDocument | undefined> {
    const collection = await collections.find(slug);
    if (!collection?.public) return undefined;
    const document = JSON.stringify(contractDocument(collection));
    return { document, etag: etagOf(document) };
  }
}

/** Ids as the cache names them: 64 hex digits in lower case, other decimals in canonical form. */
function publicCacheKey(collection: string, id: string): string | undefined {
  if (/^[0-9a-fA-F]{64}$/.test(id)) return publicKey(collection, "x", id.toLowerCase());
  const decimal = parseDecimalTokenId(id);
  return decimal === undefined ? undefined : publicKey(collection, "d", decimal);
}

/**
 * One query answers both readings of the id: decimal, and for ERC-1155 collections the 64-hex form
 * that clients substitute for `{id}` ("0000…0010" is token 16 there, token 10 elsewhere).
 */
async function findPublicToken(
  reads: PublicReads,
  collection: string,
  id: string,
): Promise<PublicDocument | undefined> {
  const decimal = parseDecimalTokenId(id);
  const hex = parseHexTokenId(id);
  const first = decimal ?? hex;
  if (first === undefined) return undefined;
  // The parameters in the order of the compiled query: collection, public = 1, the two keys.
  const keys = [tokenKey(first), tokenKey(hex ?? first)];
  const rows = (await reads.query(reads.sql, [collection, 1, ...keys])) as {
    document: string;
    etag: string;
    token_key: string;
    standard: string;
  }[];
  const wanted = (standard: string) =>
    standard === "erc1155" && hex !== undefined ? tokenKey(hex) : decimal && tokenKey(decimal);
  const row = rows.find((r) => r.token_key === wanted(r.standard));
  return row && { document: row.document, etag: row.etag };
}

interface PublicReads {
  query: FastQuery;
  sql: string;
}

/** Both readings of an id in one query, compiled once: the public route is a hot path. */
function publicReads(db: Db, query: FastQuery): PublicReads {
  const sql = db
    .selectFrom("metadata as m")
    .innerJoin("collections as c", "c.slug", "m.collection")
    .select(["m.document", "m.etag", "m.token_key", "c.standard"])
    .where("m.collection", "=", "")
    .where("c.public", "=", 1)
    .where("m.token_key", "in", ["", ""])
    .compile();
  return { sql: sql.sql, query };
}

function sendDocument(
  request: FastifyRequest,
  reply: FastifyReply,
  found: PublicDocument,
  cacheControl: string,
) {
  const etag = `"${found.etag}"`;
  reply.header("etag", etag).header("cache-control", cacheControl);
  if (matchesIfNoneMatch(request.headers["if-none-match"], etag)) return reply.code(304).send();
  return reply.type(DOCUMENT_TYPE).send(found.document);
}

/** If-None-Match uses the weak comparison (RFC 9110 §13.1.2). */
function matchesIfNoneMatch(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  return header.split(",").some((t) => {
    const tag = t.trim().replace(/^W\//, "");
    return tag === "*" || tag === etag;
  });
}
