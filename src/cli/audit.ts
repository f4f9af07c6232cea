import type { Command } from "commander";
import { exportLines } from "../audit/export.js";
import { type AuditEvent, allEvents, listEvents } from "../audit/queries.js";
import { CliError, parseDuration, withDatabase } from "./context.js";

function line(e: AuditEvent): string {
  const who = e.keyId ?? e.userId ?? "-";
  const what =
    e.kind === "admin"
      ? `${e.action} ${e.target}`
      : `${e.method} ${e.path} ${e.status} ${e.latencyMs}ms${e.reason ? ` (${e.reason})` : ""}`;
  return `${e.time}  ${who}  ${what}`;
}

/** `--since` takes an ISO time or a duration back from now (24h, 7d). */
function sinceOf(text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  if (/^\d+\s*[smhdw]$/.test(text.trim())) {
    return new Date(Date.now() - parseDuration(text)).toISOString();
  }
  const at = Date.parse(text);
  if (Number.isNaN(at))
    throw new CliError(`'${text}' is neither a time nor a duration such as 24h`);
  return new Date(at).toISOString();
}

export function auditCommand(program: Command): void {
  const audit = program.command("audit").description("read the activity log");

  audit
    .command("tail")
    .description("show the latest entries")
    .option("-n, --lines <n>", "how many", "20")
    .option("--key <id>", "only this key's")
    .action(async (options: { lines: string; key?: string }) => {
      const limit = Number(options.lines);
      if (!Number.isInteger(limit) || limit < 1)
        throw new CliError("--lines must be a whole number");
      const { items } = await withDatabase(({ database }) =>
        listEvents(database.db, { keyId: options.key }, limit),
      );
      for (const e of items.reverse()) console.log(line(e));
    });

  audit
    .command("export")
    .description("write every entry in a time range to standard output")
    .option("--since <time>", "an ISO time, or a duration back from now such as 7d")
    .option("--until <time>", "an ISO time")
    .option("--format <format>", "csv or ndjson", "ndjson")
    .action(async (options: { since?: string; until?: string; format: string }) => {
      if (!["csv", "ndjson"].includes(options.format))
        throw new CliError("--format must be csv or ndjson");
      const filter = { since: sinceOf(options.since), until: sinceOf(options.until) };
      await withDatabase(async ({ database }) => {
        for await (const text of exportLines(
          allEvents(database.db, filter),
          options.format as "csv",
        )) {
          process.stdout.write(text);
        }
      });
    });
}
