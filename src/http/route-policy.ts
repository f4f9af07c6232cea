import type { FastifyInstance } from "fastify";
import type { Scope } from "../keys/scopes.js";

declare module "fastify" {
  interface FastifyContextConfig {
    /** The scope a caller must hold. Every /api route declares one, or says it is public. */
    scope?: Scope;
    /** Answered without a key (health, documentation, public token URIs). */
    public?: boolean;
  }
}

/** The API's documentation pages, served by a plugin whose routes cannot carry our config. */
export const DOCS_PREFIX = "/api/docs";

/**
 * Refuses to register an /api route that declares neither a scope nor that it is public, so that
 * no route can be reached with a key that was never checked for it.
 */
export function enforceRoutePolicy(app: FastifyInstance): void {
  app.addHook("onRoute", (route) => {
    if (!route.url.startsWith("/api") || route.url.startsWith(DOCS_PREFIX)) return;
    const config = route.config ?? {};
    if (!config.scope && !config.public) {
      throw new Error(`route ${String(route.method)} ${route.url} declares no scope`);
    }
  });
}

/** Better Auth's own routes (sign-in, sign-out, session): public, as the contract says. */
export const AUTH_PREFIX = "/api/auth/";

/** True for requests that need no key. */
export function isPublicRoute(url: string | undefined, config: { public?: boolean }): boolean {
  if (config.public) return true;
  if (url === undefined) return false;
  return url.startsWith(DOCS_PREFIX) || url.startsWith(AUTH_PREFIX);
}
