import { CollectionService } from "./collections/service.js";
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
  startedAt: number;
}

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
    media: new MediaService(db, openMediaStore(config), config),
    startedAt: Date.now(),
  };
}
