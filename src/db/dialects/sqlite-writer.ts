import { createRequire } from "node:module";
import { Worker } from "node:worker_threads";
import type { BatchWriter } from "./parts.js";

// Plain JavaScript run as the worker's script, so that it needs no build step of its own.
const WORKER_SOURCE = `
const { parentPort, workerData } = require("node:worker_threads");
const Database = require(workerData.driver);
const db = new Database(workerData.file);
db.pragma("busy_timeout = 5000");
const statements = new Map();
parentPort.on("message", ({ id, sql, rows }) => {
  try {
    let statement = statements.get(sql);
    if (!statement) {
      statement = db.prepare(sql);
      statements.set(sql, statement);
    }
    db.transaction(() => {
      for (const row of rows) statement.run(row);
    }).immediate();
    parentPort.postMessage({ id });
  } catch (error) {
    parentPort.postMessage({ id, error: String(error && error.message) });
  }
});
`;

/**
 * A writer on its own thread with its own connection to the SQLite file, so that bulk appends
 * (the activity log) never hold up requests on the main thread. SQLite takes one writer at a
 * time; the busy timeout makes each side wait its turn for the few milliseconds a batch takes.
 */
export function sqliteBatchWriter(file: string): BatchWriter {
  let worker: Worker | undefined;
  const pending = new Map<number, { resolve: () => void; reject: (e: Error) => void }>();
  let next = 0;

  // Started on the first write, so that commands that never append pay nothing for it.
  function start(): Worker {
    const driver = createRequire(import.meta.url).resolve("better-sqlite3");
    const started = new Worker(WORKER_SOURCE, { eval: true, workerData: { file, driver } });
    started.unref();
    started.on("message", ({ id, error }: { id: number; error?: string }) => {
      const waiter = pending.get(id);
      pending.delete(id);
      if (error) waiter?.reject(new Error(error));
      else waiter?.resolve();
    });
    started.on("error", (error) => {
      for (const waiter of pending.values()) waiter.reject(error);
      pending.clear();
      worker = undefined;
    });
    return started;
  }

  return {
    write: (sql, rows) =>
      new Promise((resolve, reject) => {
        worker ??= start();
        const id = next++;
        pending.set(id, { resolve, reject });
        worker.postMessage({ id, sql, rows });
      }),
    close: async () => {
      await worker?.terminate();
      worker = undefined;
    },
  };
}
