import pino, { type Logger } from "pino";
import { AuditLog } from "./audit/audit-log.js";
import { type Auth, createAuth } from "./auth/auth.js";
import type { HotCache } from "./cache/hot-cache.js";
import { CollectionService } from "./collections/service.js";
import type { Config } from "./config.js";
import type { DatabaseHandle, Db } from "./db/database.js";
import { loggerOptions } from "./http/logging.js";
import { KeyVerifier } from "./keys/key-verifier.js";
import { MediaService } from "./media/service.js";
import { openMediaStore } from "./media/stores/open.js";
import { MetadataService } from "./metadata/service.js";
import type { CounterStore } from "./ratelimit/limiter.js";
import { openSharedState, type SharedState } from "./shared-state.js";

/** Everything the HTTP edge and the CLI work through; built once per process. */
export interface Services {
  config: Readonly<Config>;
  database: DatabaseHandle;
  db: Db;
  verifier: KeyVerifier;
  counters: CounterStore;
  metadata: MetadataService;
  collections: CollectionService;
  media: MediaService;
  audit: AuditLog;
  /** Dashboard sign-in and sessions. */
  auth: Auth;
  cache: HotCache;
  shared: SharedState;
  logger: Logger;
  startedAt: number;
}

export interface ServiceOptions {
  /** Where log lines go instead of standard output. */
  logStream?: NodeJS.WritableStream;
}

export function createServices(
  config: Readonly<Config>,
  database: DatabaseHandle,
  options: ServiceOptions = {},
): Services {
  const db = database.db;
  const logger = options.logStream
    ? pino(loggerOptions(config.logLevel), options.logStream)
    : pino(loggerOptions(config.logLevel));
  const shared = openSharedState(config, logger);
  return {
    config,
    database,
    db,
    verifier: new KeyVerifier(db, { events: shared.keyEvents }),
    counters: shared.counters,
    metadata: new MetadataService(db, shared.cache, database.query),
    collections: new CollectionService(db, shared.cache),
    audit: new AuditLog(db, {
      retentionDays: config.auditRetentionDays,
      writer: database.batchWriter,
    }),
    auth: createAuth(config, database),
    media: new MediaService(db, openMediaStore(config), config),
    cache: shared.cache,
    shared,
    logger,
    startedAt: Date.now(),
  };
}

/** Starts what works in the background: key-change polling, the activity log, the media store. */
export async function startServices(services: Services): Promise<void> {
  await services.verifier.start();
  services.audit.start();
  await services.media.store.prepare();
}

/** Stops background work after the last request: writes queued log entries and last uses. */
export async function stopServices(services: Services): Promise<void> {
  await services.media.close();
  await services.audit.stop();
  await services.verifier.stop();
  await services.shared.close();
}
