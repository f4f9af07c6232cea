import type { AuditEvent } from "./queries.js";

const COLUMNS: (keyof AuditEvent)[] = [
  "id",
  "time",
  "kind",
  "requestId",
  "keyId",
  "userId",
  "method",
  "route",
  "path",
  "status",
  "latencyMs",
  "ip",
  "userAgent",
  "reason",
  "action",
  "target",
  "before",
  "after",
];

/** CSV of RFC 4180: every field quoted, quotes doubled. */
function csvLine(values: unknown[]): string {
  const cell = (v: unknown) => {
    const text =
      v === null || v === undefined ? "" : typeof v === "object" ? JSON.stringify(v) : String(v);
    // A cell that starts like a formula is run by spreadsheets (OWASP "CSV injection"): quote it.
    const safe = /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
    return `"${safe.replaceAll('"', '""')}"`;
  };
  return `${values.map(cell).join(",")}\r\n`;
}

/** The lines of a CSV (with a header) or NDJSON export. */
export async function* exportLines(events: AsyncIterable<AuditEvent>, format: "csv" | "ndjson") {
  if (format === "csv") yield csvLine(COLUMNS);
  for await (const e of events) {
    yield format === "csv" ? csvLine(COLUMNS.map((c) => e[c])) : `${JSON.stringify(e)}\n`;
  }
}
