import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import fastifyStatic from "@fastify/static";
import type { FastifyPluginAsync, FastifyReply } from "fastify";

/** Where `npm run build:web` writes the dashboard, from both src/auth and dist/auth. */
const WEB_ROOT = fileURLToPath(new URL("../../web/dist/", import.meta.url));

// Everything the dashboard loads comes from this service: no CDN, no outside fonts or scripts.
const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "media-src 'self' blob:",
  "connect-src 'self'",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join("; ");

/** The dashboard's single-page app at /admin; any path that is not a built file gets the page. */
export function dashboardRoute(root: string = WEB_ROOT): FastifyPluginAsync {
  return async (app) => {
    await app.register(fastifyStatic, { root, serve: false });

    // The dashboard's pages are not part of the API, so they stay out of its OpenAPI document.
    app.get("/admin", { schema: { hide: true } }, (_request, reply) => page(reply, root));
    app.get<{ Params: { "*": string } }>(
      "/admin/*",
      { schema: { hide: true } },
      (request, reply) => {
        const path = request.params["*"];
        if (/^assets\/[\w.-]+$/.test(path)) {
          // Built file names carry a content hash, so they never change under one name.
          security(reply).header("cache-control", "public, max-age=31536000, immutable");
          return reply.sendFile(path, root);
        }
        return page(reply, root);
      },
    );
  };
}

function page(reply: FastifyReply, root: string): FastifyReply {
  security(reply).header("cache-control", "no-cache");
  if (!existsSync(`${root}/index.html`)) {
    return reply
      .code(503)
      .type("text/plain; charset=utf-8")
      .send("The dashboard is not built yet: run `npm run build`, then reload.\n");
  }
  return reply.sendFile("index.html", root);
}

function security(reply: FastifyReply): FastifyReply {
  return reply
    .header("content-security-policy", CSP)
    .header("x-content-type-options", "nosniff")
    .header("referrer-policy", "same-origin")
    .header("x-frame-options", "DENY");
}
