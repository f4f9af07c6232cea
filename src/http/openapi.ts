import type { SwaggerOptions } from "@fastify/swagger";

/** The OpenAPI 3.1 document, generated from the route schemas. */
export function openApiOptions(publicBaseUrl: string): SwaggerOptions {
  return {
    openapi: {
      openapi: "3.1.0",
      info: {
        title: "nftmeta",
        version: "v1",
        description:
          "Token and collection metadata, checked against the standards wallets read. Every /api path but /api/health needs a key (`Authorization: Bearer …` or `x-api-key`) and the header `x-api-version: v1`.",
      },
      servers: [{ url: publicBaseUrl }],
      components: {
        securitySchemes: {
          bearer: { type: "http", scheme: "bearer" },
          apiKey: { type: "apiKey", in: "header", name: "x-api-key" },
        },
      },
      security: [{ bearer: [] }, { apiKey: [] }],
    },
  };
}
