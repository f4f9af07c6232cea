import { betterAuth } from "better-auth";
import { type Config, ensureAuthSecret } from "../config.js";
import type { DatabaseHandle } from "../db/database.js";

/** Better Auth's own routes, under the API prefix as the contract names them. */
export const AUTH_BASE_PATH = "/api/auth";

/**
 * A header the service sets on every request it hands to Better Auth, replacing any value a client
 * sent, so that sign-in limits count the address Fastify resolved (trusting proxies as configured)
 * rather than a forwarded header anyone can write.
 */
export const CLIENT_IP_HEADER = "x-nftmeta-client-ip";

/** Better Auth over the service's own database: administrators only, email and password. */
export function createAuth(config: Readonly<Config>, database: DatabaseHandle) {
  const secure = new URL(config.publicBaseUrl).protocol === "https:";
  return betterAuth({
    appName: "nftmeta",
    baseURL: config.publicBaseUrl,
    basePath: AUTH_BASE_PATH,
    secret: ensureAuthSecret(config),
    trustedOrigins: [new URL(config.publicBaseUrl).origin],
    database: { db: database.db, type: database.kind },
    telemetry: { enabled: false },
    // Accounts come only from `nftmeta admin create`; nobody signs themselves up.
    emailAndPassword: {
      enabled: true,
      disableSignUp: true,
      minPasswordLength: MIN_PASSWORD_LENGTH,
    },
    session: {
      modelName: "auth_sessions",
      fields: snake(["expiresAt", "createdAt", "updatedAt", "ipAddress", "userAgent", "userId"]),
      // Every request reads the session row, so a revoked session fails on its next request.
      cookieCache: { enabled: false },
    },
    user: {
      modelName: "auth_users",
      fields: snake(["emailVerified", "createdAt", "updatedAt"]),
      additionalFields: {
        role: { type: "string", required: false, defaultValue: "admin", input: false },
      },
    },
    account: {
      modelName: "auth_accounts",
      fields: snake([
        "accountId",
        "providerId",
        "userId",
        "accessToken",
        "refreshToken",
        "idToken",
        "accessTokenExpiresAt",
        "refreshTokenExpiresAt",
        "createdAt",
        "updatedAt",
      ]),
    },
    verification: {
      modelName: "auth_verifications",
      fields: snake(["expiresAt", "createdAt", "updatedAt"]),
    },
    rateLimit: {
      enabled: true,
      storage: "database",
      modelName: "auth_rate_limits",
      fields: { lastRequest: "last_request" },
      window: 60,
      max: 100,
      customRules: {
        "/sign-in/email": { window: config.signInWindowSeconds, max: config.signInLimit },
      },
    },
    advanced: {
      ipAddress: { ipAddressHeaders: [CLIENT_IP_HEADER] },
      useSecureCookies: secure,
      defaultCookieAttributes: { httpOnly: true, sameSite: "lax", secure, path: "/" },
      cookiePrefix: "nftmeta",
    },
  });
}

export type Auth = ReturnType<typeof createAuth>;

/** Shorter passwords are refused by `nftmeta admin create` and by Better Auth itself. */
export const MIN_PASSWORD_LENGTH = 12;

/** Maps Better Auth's camelCase field names to the snake_case columns of migration 0004. */
function snake<const K extends string>(fields: K[]): Record<K, string> {
  const entries = fields.map((f) => [f, f.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)]);
  return Object.fromEntries(entries) as Record<K, string>;
}
