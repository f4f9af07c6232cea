import { AuditLog } from "./audit/audit-log.js";
import { CollectionService } from "./collections/service.js";
import { type Auth, createAuth } from "./auth/auth.js";
import type { HotCache } from "./cache/hot-cache.js";
import type { Config } from "./config.js";
import type { DatabaseHandle, Db } from "./db/database.js";
import { KeyVerifier } from "./keys/key-verifier.js";
import { MediaService } from "./media/service.js";
import { openMediaStore } from "./media/stores/open.js";
import { MetadataService } from "./metadata/service.js";
import type { CounterStore } from "./ratelimit/limiter.js";
import { MemoryCounterStore } from "./ratelimit/memory-store.js";

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
  startedAt: number;
}
  /** Dashboard sign-in and sessions. */
  auth: Auth;
  cache: HotCache;
  shared: SharedState;
  logger: Logger;

export function createServices(config: Readonly<Config>, database: DatabaseHandle): Services {
  const db = database.db;
  return {
    config,
    database,
    db,
    verifier: new KeyVerifier(db),
    counters: new MemoryCounterStore(),
    metadata: new MetadataService(db),
    collections: new CollectionService(db),
    audit: new AuditLog(db, { retentionDays: config.auditRetentionDays }),
    media: new MediaService(db, openMediaStore(config), config),
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
    auth: createAuth(config, database),
  await services.audit.stop();
  await services.verifier.stop();
}
