import { randomUUID } from "node:crypto";
import swagger from "@fastify/swagger";
import swaggerUi from "@fastify/swagger-ui";
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from "fastify";
import { recordRequests } from "./audit/request-entry.js";
import { auditRoutes } from "./audit/routes.js";
import { dashboardRoute } from "./auth/dashboard-route.js";
import { authRoutes } from "./auth/routes.js";
import { publicRoutes } from "./collections/public-routes.js";
import { collectionRoutes } from "./collections/routes.js";
import { sendError } from "./http/envelope.js";
import { clientErrorHandler, installErrorHandlers } from "./http/errors.js";
import { createGuard } from "./http/guard.js";
import { healthRoute } from "./http/health-route.js";
import { installJsonBodyParser } from "./http/json-body.js";
import { RequestLog } from "./http/logging.js";
import { openApiOptions } from "./http/openapi.js";
import { DOCS_PREFIX, enforceRoutePolicy } from "./http/route-policy.js";
import { installValidators } from "./http/validation.js";
import { keyRoutes } from "./keys/routes.js";
import { mediaBatchRoute } from "./media/batch-route.js";
import { mediaContentRoute } from "./media/content-route.js";
import { mediaRoutes } from "./media/routes.js";
import { metadataBatchRoute } from "./metadata/batch-route.js";
import { metadataRoutes } from "./metadata/routes.js";
import { tokenRoutes } from "./metadata/token-routes.js";
import type { Services } from "./services.js";

export interface AppOptions {
  /** false for no log at all. */
  logger?: boolean;
}

/** Builds the HTTP service from its parts. Every path it answers is registered here. */
export async function buildApp(
  services: Services,
  options: AppOptions = {},
): Promise<FastifyInstance> {
  const { config } = services;
  const app = Fastify({
    // Typed as Fastify's base logger so that route plugins keep the default instance type.
    ...(options.logger === false
      ? { logger: false }
      : { loggerInstance: services.logger as FastifyBaseLogger }),
    genReqId: () => randomUUID(),
    clientErrorHandler,
    // A URL the router cannot decode gets the one error body like any other bad input.
    frameworkErrors: (error, _request, reply) => {
      sendError(reply, "BAD_REQUEST", error.message);
    },
    requestIdHeader: false,
    trustProxy: config.trustProxy,
    bodyLimit: config.bodyLimitBytes,
    logController: new RequestLog(),
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 200 },
  });
  app.decorateRequest("apiKey", null);
  app.decorateRequest("authFailure", null);
  app.decorateRequest("authKeyId", null);
  app.decorateRequest("adminUser", null);

  enforceRoutePolicy(app);
  installValidators(app);
  installJsonBodyParser(app);
  installErrorHandlers(app);

  app.addHook("onRequest", async (request, reply) => {
    reply.header("x-request-id", request.id);
  });
  app.addHook("onRequest", createGuard(services));
  app.addHook("onRequest", async (request, reply) => {
    // Input, so checked after the guard. PostgreSQL's text cannot hold U+0000, and no path or
    // filter has a use for it.
    if (request.url.includes("%00")) {
      return sendError(reply, "BAD_REQUEST", "NUL characters (%00) are not accepted in URLs");
    }
  });
  if (config.logRequests) app.addHook("onResponse", recordRequests(services.audit));

  await app.register(swagger, openApiOptions(config.publicBaseUrl));
  await app.register(swaggerUi, { routePrefix: DOCS_PREFIX });
  app.get("/api/openapi.json", { config: { public: true }, schema: { hide: true } }, async () =>
    app.swagger(),
  );

  await app.register(healthRoute(services));
  await app.register(authRoutes(services.auth, config.publicBaseUrl));
  await app.register(metadataRoutes(services));
  await app.register(metadataBatchRoute(services));
  await app.register(tokenRoutes(services));
  await app.register(collectionRoutes(services));
  await app.register(publicRoutes(services));
  await app.register(keyRoutes(services));
  await app.register(auditRoutes(services));
  await app.register(mediaRoutes(services));
  await app.register(mediaBatchRoute(services));
  await app.register(mediaContentRoute(services));
  await app.register(dashboardRoute());
  return app;
}
