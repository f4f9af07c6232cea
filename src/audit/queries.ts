import { sql } from "kysely";
import type { Db } from "../db/database.js";
import type { AuditRow } from "../db/schema.js";

export interface AuditFilter {
  kind?: "request" | "admin";
  keyId?: string;
  userId?: string;
  /** 2xx, 4xx, 5xx … */
  statusClass?: string;
  method?: string;
  route?: string;
  since?: string;
  until?: string;
}

/** An entry as the API shows it. */
export interface AuditEvent {
  id: string;
  time: string;
  kind: string;
  requestId: string | null;
  keyId: string | null;
  userId: string | null;
  method: string | null;
  route: string | null;
  path: string | null;
  status: number | null;
  latencyMs: number | null;
  ip: string | null;
  userAgent: string | null;
  reason: string | null;
  action: string | null;
  target: string | null;
  before: unknown;
  after: unknown;
}

export function toEvent(row: AuditRow): AuditEvent {
  return {
    id: row.id,
    time: row.time,
    kind: row.kind,
    requestId: row.request_id,
    keyId: row.key_id,
    userId: row.user_id,
    method: row.method,
    route: row.route,
    path: row.path,
    status: row.status,
    latencyMs: row.latency_ms,
    ip: row.ip,
    userAgent: row.user_agent,
    reason: row.reason,
    action: row.action,
    target: row.target,
    before: row.before === null ? null : JSON.parse(row.before),
    after: row.after === null ? null : JSON.parse(row.after),
  };
}

function filtered(db: Db, f: AuditFilter) {
  let q = db.selectFrom("audit_log");
  if (f.kind) q = q.where("kind", "=", f.kind);
  if (f.keyId) q = q.where("key_id", "=", f.keyId);
  if (f.userId) q = q.where("user_id", "=", f.userId);
  if (f.method) q = q.where("method", "=", f.method.toUpperCase());
  if (f.route) q = q.where("route", "=", f.route);
  if (f.since) q = q.where("time", ">=", f.since);
  if (f.until) q = q.where("time", "<", f.until);
  if (f.statusClass) {
    const low = Number(f.statusClass[0]) * 100;
    q = q.where("status", ">=", low).where("status", "<", low + 100);
  }
  return q;
}

/** Newest first; `before` is the cursor: the id of the last entry of the previous page. */
export async function listEvents(
  db: Db,
  filter: AuditFilter,
  limit: number,
  before?: string,
): Promise<{ items: AuditEvent[]; nextCursor: string | null }> {
  let q = filtered(db, filter).selectAll();
  if (before) q = q.where("id", "<", before);
  const rows = await q
    .orderBy("id", "desc")
    .limit(limit + 1)
    .execute();
  const items = rows.slice(0, limit).map(toEvent);
  const nextCursor = rows.length > limit ? (items.at(-1)?.id ?? null) : null;
  return { items, nextCursor };
}

/** Every matching entry, oldest first, a page at a time, for export. */
export async function* allEvents(db: Db, filter: AuditFilter): AsyncGenerator<AuditEvent> {
  let after = "";
  for (;;) {
    const rows = await filtered(db, filter)
      .selectAll()
      .where("id", ">", after)
      .orderBy("id", "asc")
      .limit(1000)
      .execute();
    for (const row of rows) yield toEvent(row);
    const last = rows.at(-1);
    if (!last || rows.length < 1000) return;
    after = last.id;
  }
}

/** Requests per hour or per day: ISO timestamps cut to 13 or 10 characters. */
export async function usage(
  db: Db,
  filter: AuditFilter,
  bucket: "hour" | "day",
): Promise<{ period: string; requests: number; errors: number }[]> {
  const width = bucket === "hour" ? 13 : 10;
  const period = sql<string>`substr(time, 1, ${sql.lit(width)})`;
  const rows = await filtered(db, { ...filter, kind: "request" })
    .select([
      period.as("period"),
      (eb) => eb.fn.countAll<number>().as("requests"),
      sql<number>`sum(case when status >= 400 then 1 else 0 end)`.as("errors"),
    ])
    .groupBy(period)
    .orderBy(period)
    .execute();
  return rows.map((r) => ({
    period: bucket === "hour" ? `${r.period}:00:00Z` : r.period,
    requests: Number(r.requests),
    errors: Number(r.errors),
  }));
}
