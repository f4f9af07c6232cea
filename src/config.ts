import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { isIP } from "node:net";
import { isAbsolute, join, resolve } from "node:path";
import { z } from "zod";

const positiveInt = (max = Number.MAX_SAFE_INTEGER) =>
  z.coerce
    .number({ message: "must be a whole number" })
    .int({ message: "must be a whole number" })
    .min(1, { message: "must be at least 1" })
    .max(max, { message: `must be at most ${max}` });

const url = (protocols: string[]) =>
  z.string().refine(
    (v) => {
      try {
        return protocols.includes(new URL(v).protocol);
      } catch {
        return false;
      }
    },
    { message: `must be a URL starting with ${protocols.map((p) => `${p}//`).join(" or ")}` },
  );

const schema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  HOST: z
    .string()
    .refine(isHost, { message: "must be an IP address or a host name" })
    .default("127.0.0.1"),
  PORT: z.coerce
    .number({ message: "must be a port number" })
    .int({ message: "must be a port number" })
    .min(0, { message: "must be a port number from 0 to 65535" })
    .max(65535, { message: "must be a port number from 0 to 65535" })
    .default(3000),
  DATA_DIR: z.string().min(1).default("./data"),
  DATABASE_URL: z.string().min(1).optional(),
  REDIS_URL: url(["redis:", "rediss:"]).optional(),
  PUBLIC_BASE_URL: url(["http:", "https:"]).optional(),
  TRUST_PROXY: z
    .string()
    .refine(isTrustProxy, {
      message: "must be true, false, a hop count, or addresses/CIDR blocks separated by commas",
    })
    .default("false"),
  AUTH_SECRET: z.string().min(32, { message: "must be at least 32 characters" }).optional(),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  /** Requests per hour a key may make unless the key sets its own limit. */
  RATE_LIMIT_PER_HOUR: positiveInt().default(1000),
  /** Failed authentications one client IP may make per window before it gets 429. */
  AUTH_FAILURE_LIMIT: positiveInt().default(100),
  AUTH_FAILURE_WINDOW_SECONDS: positiveInt().default(900),
  /** Dashboard sign-in attempts one client IP may make per window. */
  SIGN_IN_LIMIT: positiveInt().default(10),
  SIGN_IN_WINDOW_SECONDS: positiveInt().default(300),
  /** Largest JSON body in bytes (1 MiB) for ordinary routes. */
  BODY_LIMIT_BYTES: positiveInt().default(1024 * 1024),
  /** Largest JSON body in bytes (64 MiB) for imports and batches. */
  IMPORT_BODY_LIMIT_BYTES: positiveInt().default(64 * 1024 * 1024),
  /** Seconds a public token document may be cached by browsers and CDNs. */
  PUBLIC_CACHE_SECONDS: z.coerce
    .number({ message: "must be a whole number of seconds" })
    .int({ message: "must be a whole number of seconds" })
    .min(0, { message: "must be 0 or more" })
    .default(60),
  BATCH_MAX_ITEMS: positiveInt(10_000).default(1000),
  /** Whether every API request is written to the activity log (administrative events always are). */
  ACTIVITY_LOG_REQUESTS: z
    .enum(["true", "false"], { message: "must be true or false" })
    .default("true"),
  /** Days activity log entries are kept. */
  AUDIT_RETENTION_DAYS: positiveInt(36_500).default(90),
  MEDIA_STORE: z.enum(["local", "s3"]).default("local"),
  /** Server processes on this machine, sharing the port. */
  WORKERS: positiveInt(64).default(1),
  /** Largest upload per kind of media, in bytes: images 50 MiB, video and 3D 200 MiB, audio 100 MiB. */
  MEDIA_IMAGE_LIMIT_BYTES: positiveInt().default(50 * 1024 * 1024),
  MEDIA_VIDEO_LIMIT_BYTES: positiveInt().default(200 * 1024 * 1024),
  MEDIA_MODEL_LIMIT_BYTES: positiveInt().default(200 * 1024 * 1024),
  MEDIA_AUDIO_LIMIT_BYTES: positiveInt().default(100 * 1024 * 1024),
  /** Files one `POST /api/media/batch` may carry. */
  MEDIA_BATCH_MAX_FILES: positiveInt(1000).default(50),
  /** Long-side pixel sizes of the WebP/AVIF variants made of each image; "" makes none. */
  MEDIA_VARIANT_SIZES: z
    .string()
    .regex(/^\d+(,\d+)*$/, { message: "must be pixel sizes separated by commas, e.g. 256,512" })
    .optional(),
  S3_ENDPOINT: url(["http:", "https:"]).optional(),
  S3_BUCKET: z.string().min(1).optional(),
  S3_REGION: z.string().min(1).default("us-east-1"),
  S3_ACCESS_KEY_ID: z.string().min(1).optional(),
  S3_SECRET_ACCESS_KEY: z.string().min(1).optional(),
  /** Path-style addressing (endpoint/bucket/key), which most self-hosted S3 servers need. */
  S3_FORCE_PATH_STYLE: z.enum(["true", "false"]).default("false"),
});

export type DatabaseConfig = { kind: "sqlite"; file: string } | { kind: "postgres"; url: string };

export interface Config {
  env: "development" | "production" | "test";
  host: string;
  port: number;
  dataDir: string;
  database: DatabaseConfig;
  redisUrl: string | undefined;
  workers: number;
  publicBaseUrl: string;
  trustProxy: TrustProxy;
  authSecret: string;
  logLevel: string;
  rateLimitPerHour: number;
  authFailureLimit: number;
  authFailureWindowSeconds: number;
  signInLimit: number;
  signInWindowSeconds: number;
  bodyLimitBytes: number;
  importBodyLimitBytes: number;
  publicCacheSeconds: number;
  batchMaxItems: number;
  logRequests: boolean;
  auditRetentionDays: number;
  mediaStore: "local" | "s3";
  media: MediaConfig;
}

export interface MediaConfig {
  limitBytes: { image: number; video: number; model: number; audio: number };
  batchMaxFiles: number;
  /** Long-side pixel sizes of image variants. */
  variantSizes: number[];
  /** Present when MEDIA_STORE=s3. */
  s3: S3Config | undefined;
}

export interface S3Config {
  endpoint: string | undefined;
  bucket: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
  forcePathStyle: boolean;
}

/** A configuration value that cannot be used; the message names the variable. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "ConfigError";
  }
}

/** Reads `.env` from the working directory when present; real environment variables win. */
export function loadDotEnv(file = ".env"): void {
  if (existsSync(file)) process.loadEnvFile(file);
}

/** Validates the environment once and returns a frozen configuration, or throws ConfigError. */
export function readConfig(env: NodeJS.ProcessEnv = process.env): Readonly<Config> {
  const present = Object.fromEntries(
    Object.entries(env).filter(([, v]) => v !== undefined && v !== ""),
  );
  const parsed = schema.safeParse(present);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`));
  }
  const v = parsed.data;
  const dataDir = resolve(v.DATA_DIR);
  const config: Config = {
    env: v.NODE_ENV,
    host: v.HOST,
    port: v.PORT,
    dataDir,
    database: parseDatabaseUrl(v.DATABASE_URL, dataDir),
    redisUrl: v.REDIS_URL,
    workers: v.WORKERS,
    publicBaseUrl: (v.PUBLIC_BASE_URL ?? `http://${v.HOST}:${v.PORT}`).replace(/\/+$/, ""),
    trustProxy: parseTrustProxy(v.TRUST_PROXY),
    authSecret: v.AUTH_SECRET ?? "",
    logLevel: v.LOG_LEVEL,
    rateLimitPerHour: v.RATE_LIMIT_PER_HOUR,
    authFailureLimit: v.AUTH_FAILURE_LIMIT,
    authFailureWindowSeconds: v.AUTH_FAILURE_WINDOW_SECONDS,
    signInLimit: v.SIGN_IN_LIMIT,
    signInWindowSeconds: v.SIGN_IN_WINDOW_SECONDS,
    bodyLimitBytes: v.BODY_LIMIT_BYTES,
    importBodyLimitBytes: v.IMPORT_BODY_LIMIT_BYTES,
    publicCacheSeconds: v.PUBLIC_CACHE_SECONDS,
    batchMaxItems: v.BATCH_MAX_ITEMS,
    logRequests: v.ACTIVITY_LOG_REQUESTS === "true",
    auditRetentionDays: v.AUDIT_RETENTION_DAYS,
    mediaStore: v.MEDIA_STORE,
    media: mediaConfig(v, env.MEDIA_VARIANT_SIZES),
  };
  if (config.env === "production" && !v.AUTH_SECRET && config.database.kind === "postgres") {
    throw new ConfigError(["AUTH_SECRET: is required in production on a shared database"]);
  }
  if (config.workers > 1 && !config.redisUrl) {
    // Each worker would count on its own: a key could make WORKERS times its limit.
    throw new ConfigError([
      `WORKERS: ${config.workers} workers need REDIS_URL, so that rate limits are shared between them`,
    ]);
  }
  if (config.workers > 1 && config.mediaStore === "local" && config.database.kind === "postgres") {
    throw new ConfigError([
      "WORKERS: several workers on PostgreSQL are meant to scale out; use MEDIA_STORE=s3 so that no state lives on one machine",
    ]);
  }
  return Object.freeze(config);
}

function mediaConfig(v: z.infer<typeof schema>, rawSizes: string | undefined): MediaConfig {
  return {
    limitBytes: {
      image: v.MEDIA_IMAGE_LIMIT_BYTES,
      video: v.MEDIA_VIDEO_LIMIT_BYTES,
      model: v.MEDIA_MODEL_LIMIT_BYTES,
      audio: v.MEDIA_AUDIO_LIMIT_BYTES,
    },
    batchMaxFiles: v.MEDIA_BATCH_MAX_FILES,
    // Set but empty means no variants; unset means the defaults.
    variantSizes:
      rawSizes === "" ? [] : (v.MEDIA_VARIANT_SIZES ?? "256,512,1024").split(",").map(Number),
    s3: v.MEDIA_STORE === "s3" ? s3Config(v) : undefined,
  };
}

/** An S3 store needs its bucket and both credentials; the endpoint defaults to AWS. */
function s3Config(v: z.infer<typeof schema>): S3Config {
  const required = {
    S3_BUCKET: v.S3_BUCKET,
    S3_ACCESS_KEY_ID: v.S3_ACCESS_KEY_ID,
    S3_SECRET_ACCESS_KEY: v.S3_SECRET_ACCESS_KEY,
  };
  const missing = Object.entries(required).filter(([, value]) => value === undefined);
  if (missing.length > 0) {
    throw new ConfigError(missing.map(([name]) => `${name}: is required when MEDIA_STORE=s3`));
  }
  return {
    endpoint: v.S3_ENDPOINT,
    bucket: v.S3_BUCKET ?? "",
    region: v.S3_REGION,
    accessKeyId: v.S3_ACCESS_KEY_ID ?? "",
    secretAccessKey: v.S3_SECRET_ACCESS_KEY ?? "",
    forcePathStyle: v.S3_FORCE_PATH_STYLE === "true",
  };
}

function parseDatabaseUrl(value: string | undefined, dataDir: string): DatabaseConfig {
  if (value === undefined) return { kind: "sqlite", file: join(dataDir, "nftmeta.sqlite") };
  if (/^postgres(ql)?:\/\//.test(value)) return { kind: "postgres", url: value };
  if (value.startsWith("file:")) {
    const path = value.slice("file:".length).replace(/^\/\/(?=\/)/, "");
    if (path === "") throw new ConfigError(["DATABASE_URL: file: needs a path"]);
    return { kind: "sqlite", file: isAbsolute(path) ? path : resolve(path) };
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(value)) {
    throw new ConfigError([
      "DATABASE_URL: must be a SQLite file (file:path or a path) or a postgres:// URL",
    ]);
  }
  return { kind: "sqlite", file: resolve(value) };
}

function isHost(value: string): boolean {
  if (isIP(value) !== 0) return true;
  // Digits and dots alone are meant as an IPv4 address, and this one is not valid.
  if (/^[\d.]+$/.test(value)) return false;
  return /^(?=.{1,253}$)[a-zA-Z0-9]([a-zA-Z0-9-]*[a-zA-Z0-9])?(\.[a-zA-Z0-9]([a-zA-Z0-9-]*[a-zA-Z0-9])?)*$/.test(
    value,
  );
}

/** What proxy-addr takes: its named ranges, addresses and CIDR blocks. */
function isTrustProxy(value: string): boolean {
  if (/^(true|false|\d+)$/.test(value)) return true;
  return value.split(",").every((part) => {
    const item = part.trim();
    if (["loopback", "linklocal", "uniquelocal"].includes(item)) return true;
    const [address = "", prefix] = item.split("/");
    return isIP(address) !== 0 && (prefix === undefined || /^\d{1,3}$/.test(prefix));
  });
}

export type TrustProxy = boolean | string | ((address: string, hop: number) => boolean);

/** true, false, a hop count, or a comma-separated list of proxy addresses or CIDR blocks. */
function parseTrustProxy(value: string): TrustProxy {
  if (value === "true") return true;
  if (value === "false") return false;
  if (/^\d+$/.test(value)) {
    const hops = Number(value);
    return (_address, hop) => hop < hops;
  }
  return value;
}

/**
 * The secret that signs sessions. On the embedded default it is generated once and kept under
 * DATA_DIR, so that sessions survive a restart without any set-up.
 */
export function ensureAuthSecret(config: Readonly<Config>): string {
  if (config.authSecret) return config.authSecret;
  const file = join(config.dataDir, "auth-secret");
  if (existsSync(file)) return readFileSync(file, "utf8").trim();
  mkdirSync(config.dataDir, { recursive: true });
  const secret = randomBytes(32).toString("hex");
  writeFileSync(file, `${secret}\n`, { mode: 0o600, flag: "wx" });
  return secret;
}
