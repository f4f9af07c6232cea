import type { FastifyRequest } from "fastify";

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/**
 * Whether a cookie-authenticated request may change state: it must come from the dashboard's own
 * origin, by its `Origin` header or, where a browser sent none, by `Sec-Fetch-Site`. A request that
 * shows neither is refused, since only a browser carries the cookie and browsers send one of them.
 */
export function isSameOriginWrite(request: FastifyRequest, publicOrigin: string): boolean {
  if (SAFE_METHODS.has(request.method)) return true;
  const origin = request.headers.origin;
  // The address the browser used counts too (localhost as well as 127.0.0.1): a cross-site page
  // sends its own origin, and a rebound host name would carry no cookie of ours.
  if (origin !== undefined)
    return origin === publicOrigin || origin === `${request.protocol}://${request.host}`;
  return request.headers["sec-fetch-site"] === "same-origin";
}
