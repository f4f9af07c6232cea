import type { Db } from "../db/database.js";
import { AppError, type ErrorDetail } from "../errors.js";
import { type PreparedDocument, prepareDocument } from "../metadata/document.js";
import {
  insertRecord,
  type MetadataRecord,
  type MetadataService,
  toRecord,
  writeVersion,
} from "../metadata/service.js";
import { tokenKey } from "./token-id.js";

export interface ImportItem {
  /** Where the item came from (a file name, or `items[3]`), for the report. */
  source: string;
  tokenId: string;
  value: unknown;
  raw: string;
}

export interface ImportSkip {
  source: string;
  tokenId?: string;
  reason: string;
  details?: ErrorDetail[];
}

export interface ImportReport {
  collection: string;
  created: number;
  updated: number;
  unchanged: number;
  skipped: ImportSkip[];
}

/** Documents per transaction: large enough to be quick, small enough not to hold the lock long. */
const CHUNK = 250;

/**
 * Imports token documents into a collection that exists. Idempotent: a document equal to the
 * stored one is left alone; a changed one becomes a new version, so history is kept.
 */
export async function importTokens(
  db: Db,
  metadata: MetadataService,
  collection: string,
  items: ImportItem[],
  onProgress?: (done: number) => void,
): Promise<ImportReport> {
  const report: ImportReport = { collection, created: 0, updated: 0, unchanged: 0, skipped: [] };
  const ready = checkItems(items, report.skipped);
  let done = items.length - ready.length;
  for (let i = 0; i < ready.length; i += CHUNK) {
    const chunk = ready.slice(i, i + CHUNK);
    const changed: MetadataRecord[] = [];
    await db.transaction().execute(async (trx) => {
      const keys = chunk.map((c) => tokenKey(c.item.tokenId));
      const rows = await trx
        .selectFrom("metadata")
        .selectAll()
        .where("collection", "=", collection)
        .where("token_key", "in", keys)
        .execute();
      const existing = new Map(rows.map((r) => [r.token_key, toRecord(r)]));
      for (const { item, doc } of chunk) {
        const current = existing.get(tokenKey(item.tokenId));
        if (!current) {
          await insertRecord(trx, collection, item.tokenId, doc, "import");
          report.created++;
        } else if (current.etag === doc.etag && current.document === doc.raw) {
          report.unchanged++;
        } else {
          await writeVersion(trx, current, doc, "import");
          changed.push(current);
          report.updated++;
        }
      }
    });
    await metadata.forget(changed);
    done += chunk.length;
    onProgress?.(done);
  }
  return report;
}

/** Checks every document first, so that a bad one is reported and the rest still go in. */
function checkItems(items: ImportItem[], skipped: ImportSkip[]) {
  const ready: { item: ImportItem; doc: PreparedDocument }[] = [];
  const seen = new Map<string, string>();
  for (const item of items) {
    const earlier = seen.get(item.tokenId);
    if (earlier !== undefined) {
      skipped.push({
        source: item.source,
        tokenId: item.tokenId,
        reason: `token ${item.tokenId} was already taken from ${earlier}`,
      });
      continue;
    }
    try {
      ready.push({ item, doc: prepareDocument(item.value, item.raw) });
      seen.set(item.tokenId, item.source);
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      skipped.push({
        source: item.source,
        tokenId: item.tokenId,
        reason: error.message,
        details: error.details,
      });
    }
  }
  return ready;
}
