import { SingleBar } from "cli-progress";
import type { Command } from "commander";
import { importTokens } from "../collections/import.js";
import { scanFolder } from "../collections/import-folder.js";
import { CollectionService, type Standard } from "../collections/service.js";
import { SLUG_PATTERN } from "../http/schemas.js";
import { MetadataService } from "../metadata/service.js";
import { CliError, withDatabase } from "./context.js";

interface ImportOptions {
  collection: string;
  standard?: Standard;
  public?: boolean;
  strict?: boolean;
  json?: boolean;
}

/** Lines of skipped files shown before the rest is summed up. */
const SHOWN_SKIPS = 20;

export function importCommand(program: Command): void {
  program
    .command("import <dir>")
    .description("import a folder of token files (1, 1.json, 0001.json or 64-hex names)")
    .requiredOption("--collection <slug>", "the collection to import into (created when missing)")
    .option("--standard <standard>", "erc721 or erc1155 (default: detected from the names)")
    .option("--public", "serve the collection's token URIs without a key")
    .option("--strict", "exit 1 when any file is skipped")
    .option("--json", "print the report as JSON")
    .action(async (dir: string, options: ImportOptions) => {
      if (!new RegExp(SLUG_PATTERN).test(options.collection)) {
        throw new CliError(
          "--collection must be a slug: lower-case letters, digits and inner hyphens, up to 64",
        );
      }
      if (options.standard && !["erc721", "erc1155"].includes(options.standard)) {
        throw new CliError("--standard must be erc721 or erc1155");
      }
      const scan = await scanFolder(dir, options.standard).catch((error: NodeJS.ErrnoException) => {
        throw new CliError(`cannot read ${dir}: ${error.code ?? error.message}`);
      });
      const report = await withDatabase(async ({ database, shared }) => {
        const collections = new CollectionService(database.db, shared.cache);
        const metadata = new MetadataService(database.db, shared.cache);
        const existing = await collections.find(options.collection);
        if (!existing) {
          await collections.create(options.collection, {
            name: options.collection,
            standard: scan.detectedStandard,
            public: options.public ?? false,
          });
        } else if (options.public && !existing.public) {
          await collections.update(options.collection, { public: true }, false);
        }
        const bar = progressBar(scan.items.length);
        const result = await importTokens(
          database.db,
          metadata,
          options.collection,
          scan.items,
          (n) => bar?.update(n),
        );
        bar?.stop();
        result.skipped.unshift(...scan.skipped);
        return result;
      });
      printReport(report, options.json ?? false);
      const taken = report.created + report.updated + report.unchanged;
      if (taken === 0 || (options.strict && report.skipped.length > 0)) process.exitCode = 1;
    });
}

function progressBar(total: number): SingleBar | undefined {
  if (!process.stderr.isTTY || total === 0) return undefined;
  const bar = new SingleBar({
    format: "importing [{bar}] {percentage}% {value}/{total} tokens, {eta}s left",
    stream: process.stderr,
    hideCursor: true,
  });
  bar.start(total, 0);
  return bar;
}

function printReport(report: Awaited<ReturnType<typeof importTokens>>, json: boolean): void {
  if (json) {
    console.log(JSON.stringify(report));
    return;
  }
  const { collection, created, updated, unchanged, skipped } = report;
  console.log(
    `${collection}: ${created} created, ${updated} updated, ${unchanged} unchanged, ${skipped.length} skipped`,
  );
  for (const s of skipped.slice(0, SHOWN_SKIPS)) {
    const details = s.details?.map((d) => `; ${d.path}: ${d.message}`).join("") ?? "";
    console.log(`  skipped ${s.source}: ${s.reason}${details}`);
  }
  if (skipped.length > SHOWN_SKIPS) console.log(`  … and ${skipped.length - SHOWN_SKIPS} more`);
}
