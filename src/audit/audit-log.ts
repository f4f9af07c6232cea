import { randomBytes } from "node:crypto";
import type { BatchWriter, Db } from "../db/database.js";
import type { AuditLogTable } from "../db/schema.js";

/** Every column, in the order the compiled insert takes them. */
const COLUMNS = [
  "id",
  "time",
  "kind",
  "request_id",
  "key_id",
  "user_id",
  "method",
  "route",
  "path",
  "status",
  "latency_ms",
  "ip",
  "user_agent",
  "reason",
  "action",
  "target",
  "before",
  "after",
] as const satisfies readonly (keyof AuditLogTable)[];

export type AuditEntry = Omit<AuditLogTable, "id" | "time"> & { time?: string };

export interface AuditLogOptions {
  /** Entries written in one transaction at most (500). */
  batchSize?: number;
  /** How often queued entries are written, in milliseconds (250). */
  flushMs?: number;
  /** Entries held in memory at most; past that new ones are dropped and counted (50,000). */
  maxQueued?: number;
  /** Days entries are kept (90). */
  retentionDays?: number;
  /** How often old entries are pruned, in milliseconds (1 hour). */
  pruneMs?: number;
  now?: () => number;
  /** Writes batches off the main thread (SQLite); without it, batches go through Kysely. */
  writer?: BatchWriter;
}

export interface AuditStats {
  written: number;
  dropped: number;
  queued: number;
}

/**
 * The activity log's writer. Requests only queue an entry; a timer writes the queue in batches,
 * off the request path. The queue is bounded: when the database cannot keep up, entries past the
 * bound are dropped and counted rather than growing memory without end. `stop` writes what is
 * left, so a graceful shutdown loses nothing.
 */
export class AuditLog {
  private queue: AuditLogTable[] = [];
  private timers: NodeJS.Timeout[] = [];
  private flushing: Promise<void> | undefined;
  private sequence = 0;
  /** Tells this process's ids from another's written in the same millisecond. */
  private readonly processTag = randomBytes(3).toString("hex");
  private readonly stats = { written: 0, dropped: 0 };
  private readonly now: () => number;
  /** The one-row insert, compiled once; the writer runs it for every row of a batch. */
  private readonly insertSql: string;

  constructor(
    private readonly db: Db,
    private readonly options: AuditLogOptions = {},
  ) {
    this.now = options.now ?? Date.now;
    const empty = Object.fromEntries(COLUMNS.map((c) => [c, null])) as unknown as AuditLogTable;
    this.insertSql = db.insertInto("audit_log").values(empty).compile().sql;
  }

  start(): void {
    const flush = setInterval(() => void this.flush(), this.options.flushMs ?? 250);
    const prune = setInterval(() => void this.prune(), this.options.pruneMs ?? 3_600_000);
    flush.unref();
    prune.unref();
    this.timers = [flush, prune];
    void this.prune();
  }

  async stop(): Promise<void> {
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
    await this.flush();
  }

  /** Queues an entry; never waits and never throws. */
  record(entry: AuditEntry): void {
    if (this.queue.length >= (this.options.maxQueued ?? 50_000)) {
      this.stats.dropped++;
      return;
    }
    const at = this.now();
    this.queue.push({
      ...entry,
      id: this.nextId(at),
      time: entry.time ?? new Date(at).toISOString(),
    });
  }

  getStats(): AuditStats {
    return { ...this.stats, queued: this.queue.length };
  }

  /** Writes everything queued so far. */
  async flush(): Promise<void> {
    while (this.flushing) await this.flushing;
    if (this.queue.length === 0) return;
    this.flushing = this.writeQueued().finally(() => {
      this.flushing = undefined;
    });
    await this.flushing;
  }

  /** Deletes entries older than the retention period. */
  async prune(): Promise<number> {
    const days = this.options.retentionDays ?? 90;
    const cutoff = new Date(this.now() - days * 86_400_000).toISOString();
    try {
      const result = await this.db
        .deleteFrom("audit_log")
        .where("time", "<", cutoff)
        .executeTakeFirst();
      return Number(result.numDeletedRows);
    } catch {
      return 0;
    }
  }

  private async writeQueued(): Promise<void> {
    const size = this.options.batchSize ?? 500;
    while (this.queue.length > 0) {
      const batch = this.queue.slice(0, size);
      try {
        await this.write(batch);
      } catch {
        // The database is away: keep the entries and try again on the next tick.
        return;
      }
      this.queue.splice(0, batch.length);
      this.stats.written += batch.length;
    }
  }

  private async write(batch: AuditLogTable[]): Promise<void> {
    const writer = this.options.writer;
    if (writer) {
      await writer.write(
        this.insertSql,
        batch.map((row) => COLUMNS.map((c) => row[c])),
      );
    } else {
      await this.db.insertInto("audit_log").values(batch).execute();
    }
  }

  /** Milliseconds, a sequence within this process and the process's tag: sorts in time order. */
  private nextId(at: number): string {
    this.sequence = (this.sequence + 1) % 1_000_000;
    const sequence = String(this.sequence).padStart(6, "0");
    return `${String(at).padStart(15, "0")}-${sequence}-${this.processTag}`;
  }
}
