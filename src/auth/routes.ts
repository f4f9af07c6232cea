import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from "fastify";
import { AUTH_BASE_PATH, type Auth, CLIENT_IP_HEADER } from "./auth.js";

/**
 * Better Auth's own endpoints (sign-in, sign-out, session), handed the request as it arrived. They
 * need no key, so they are declared public; Better Auth checks their origin and limits sign-ins.
 */
export function authRoutes(auth: Auth, publicBaseUrl: string): FastifyPluginAsync {
  return async (app) => {
    // Better Auth reads the body itself: keep it as bytes rather than parse it here.
    app.removeAllContentTypeParsers();
    app.addContentTypeParser("*", { parseAs: "buffer" }, (_request, body, done) => {
      done(null, body);
    });

    app.route({
      method: ["GET", "POST"],
      url: `${AUTH_BASE_PATH}/*`,
      config: { public: true },
      schema: { hide: true },
      handler: async (request, reply) => {
        const response = await auth.handler(toFetchRequest(request, publicBaseUrl));
        return relay(response, reply);
      },
    });
  };
}

function toFetchRequest(request: FastifyRequest, publicBaseUrl: string): Request {
  const headers = new Headers();
  for (const [name, value] of Object.entries(request.headers)) {
    if (value === undefined || name === CLIENT_IP_HEADER) continue;
    for (const v of Array.isArray(value) ? value : [value]) headers.append(name, v);
  }
  headers.set(CLIENT_IP_HEADER, request.ip);
  const body = Buffer.isBuffer(request.body) && request.body.length > 0 ? request.body : undefined;
  return new Request(new URL(request.url, publicBaseUrl), {
    method: request.method,
    headers,
    body,
  });
}

async function relay(response: Response, reply: FastifyReply): Promise<FastifyReply> {
  reply.code(response.status);
  for (const [name, value] of response.headers) {
    if (name !== "set-cookie" && name !== "content-length") reply.header(name, value);
  }
  const cookies = response.headers.getSetCookie();
  if (cookies.length > 0) reply.header("set-cookie", cookies);
  return reply.send(Buffer.from(await response.arrayBuffer()));
}
