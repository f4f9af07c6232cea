import { randomUUID } from "node:crypto";
import { sql, type Transaction } from "kysely";
import { type HotCache, NoCache, publicKeysOf, recordKey } from "../cache/hot-cache.js";
import { tokenKey } from "../collections/token-id.js";
import { type Db, type FastQuery, kyselyQuery } from "../db/database.js";
import type { Database, MetadataRow } from "../db/schema.js";
import { AppError, badRequest, conflict, notFound } from "../errors.js";
import { mergePatchRaw, parseJsonText } from "../json/raw-json.js";
import { type PreparedDocument, prepareDocument } from "./document.js";
import { metadataJson } from "./serialize.js";

/** A stored token document. `document` is raw JSON text, spliced into answers as it is. */
export interface MetadataRecord {
  id: string;
  collection: string | null;
  tokenId: string | null;
  version: number;
  document: string;
  etag: string;
  createdAt: string;
  updatedAt: string;
}

export interface VersionRecord {
  version: number;
  change: string;
  document: string;
  createdAt: string;
}

export interface Precondition {
  /** The version the caller last read; a different current version is a conflict. */
  version?: number;
  /** The entity tags of If-Match. */
  ifMatch?: string[];
}

export type SortField = "createdAt" | "updatedAt" | "tokenId" | "name";

export interface MetadataQuery {
  collection?: string;
  search?: string;
  traits?: { type: string; value: string }[];
  sort?: SortField;
  descending?: boolean;
  page: number;
  limit: number;
}

type Executor = Db | Transaction<Database>;

const SORT_COLUMNS = {
  createdAt: "created_at",
  updatedAt: "updated_at",
  tokenId: "token_key",
  name: "name",
} as const;

/** The entity tag of a record as the API serves it. */
export function recordEtag(record: Pick<MetadataRecord, "version" | "etag">): string {
  return `"${record.version}-${record.etag}"`;
}

export function toRecord(row: MetadataRow): MetadataRecord {
  return {
    id: row.id,
    collection: row.collection,
    tokenId: row.token_id,
    version: row.version,
    document: row.document,
    etag: row.etag,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export class MetadataService {
  /** The hot read's SQL, compiled once by Kysely. */
  private readonly recordByIdSql: string;

  constructor(
    private readonly db: Db,
    private readonly cache: HotCache = new NoCache(),
    private readonly query: FastQuery = kyselyQuery(db),
  ) {
    this.recordByIdSql = db.selectFrom("metadata").selectAll().where("id", "=", "").compile().sql;
  }

  /** The record as GET /api/metadata/:id serves it, from the shared cache when it is there. */
  async getServed(id: string): Promise<{ etag: string; json: string }> {
    const key = recordKey(id);
    const cached = await this.cache.read(key);
    if (cached !== undefined) {
      const cut = cached.indexOf("\n");
      return { etag: cached.slice(0, cut), json: cached.slice(cut + 1) };
    }
    const [row] = (await this.query(this.recordByIdSql, [id])) as MetadataRow[];
    if (!row) throw notFound("Metadata");
    const record = toRecord(row);
    const served = { etag: recordEtag(record), json: metadataJson(record) };
    this.cache.fill(key, `${served.etag}\n${served.json}`);
    return served;
  }

  /** Makes every instance miss the cached forms of these records before a write is answered. */
  async forget(records: Pick<MetadataRecord, "id" | "collection" | "tokenId">[]): Promise<void> {
    await this.cache.invalidate(records.flatMap(cacheKeysOf));
  }

  async get(id: string): Promise<MetadataRecord> {
    const row = await this.db
      .selectFrom("metadata")
      .selectAll()
      .where("id", "=", id)
      .executeTakeFirst();
    if (!row) throw notFound("Metadata");
    return toRecord(row);
  }

  async getByToken(collection: string, tokenId: string): Promise<MetadataRecord | undefined> {
    const row = await this.db
      .selectFrom("metadata")
      .selectAll()
      .where("collection", "=", collection)
      .where("token_key", "=", tokenKey(tokenId))
      .executeTakeFirst();
    return row && toRecord(row);
  }

  async create(
    input: { collection?: string | null; tokenId?: string | null },
    doc: PreparedDocument,
  ): Promise<MetadataRecord> {
    if (input.tokenId && !input.collection) {
      throw badRequest("A tokenId needs a collection", [
        { path: "body.collection", message: "is required with tokenId" },
      ]);
    }
    const record = await this.db.transaction().execute(async (trx) => {
      if (input.collection) await requireCollection(trx, input.collection);
      return insertRecord(trx, input.collection ?? null, input.tokenId ?? null, doc, "create");
    });
    await this.forget([record]);
    return record;
  }

  /** Replaces the document; the previous version stays in the history. */
  async replace(
    id: string,
    doc: PreparedDocument,
    pre: Precondition,
    change = "update",
  ): Promise<MetadataRecord> {
    const record = await this.db.transaction().execute(async (trx) => {
      const current = await loadForUpdate(trx, id);
      checkPrecondition(current, pre);
      return writeVersion(trx, current, doc, change);
    });
    await this.forget([record]);
    return record;
  }

  /** Creates or replaces the document of a token; `created` tells which. */
  async putByToken(
    collection: string,
    tokenId: string,
    doc: PreparedDocument,
    pre: Precondition,
  ): Promise<{ record: MetadataRecord; created: boolean }> {
    const result = await this.db.transaction().execute(async (trx) => {
      await requireCollection(trx, collection);
      const row = await trx
        .selectFrom("metadata")
        .selectAll()
        .where("collection", "=", collection)
        .where("token_key", "=", tokenKey(tokenId))
        .executeTakeFirst();
      if (!row) {
        if (pre.ifMatch || pre.version !== undefined) throw notFound("Token");
        return {
          record: await insertRecord(trx, collection, tokenId, doc, "create"),
          created: true,
        };
      }
      const current = toRecord(row);
      checkPrecondition(current, pre);
      return { record: await writeVersion(trx, current, doc, "update"), created: false };
    });
    await this.forget([result.record]);
    return result;
  }

  /** Applies a JSON Merge Patch (RFC 7396) to the stored text; untouched members keep their text. */
  async patch(id: string, patchRaw: string, pre: Precondition): Promise<MetadataRecord> {
    const current = await this.get(id);
    checkPrecondition(current, pre);
    const merged = mergePatchRaw(current.document, patchRaw);
    const doc = prepareDocument(parseJsonText(merged), merged);
    const record = await this.db
      .transaction()
      .execute((trx) => writeVersion(trx, current, doc, "patch"));
    await this.forget([record]);
    return record;
  }

  /** Makes an earlier version current again, as a new version. */
  async restore(id: string, version: number, pre: Precondition): Promise<MetadataRecord> {
    const old = await this.version(id, version);
    const doc = prepareDocument(parseJsonText(old.document), old.document);
    return this.replace(id, doc, pre, `restore:${version}`);
  }

  /** Deletes a record and its history; with a precondition, only the version the caller read. */
  async delete(id: string, pre: Precondition = {}): Promise<{ id: string }> {
    const current = await this.get(id);
    checkPrecondition(current, pre);
    const row = await this.db
      .deleteFrom("metadata")
      .where("id", "=", id)
      .where("version", "=", current.version)
      .returning("id")
      .executeTakeFirst();
    if (!row) throw staleVersion(current);
    await this.forget([current]);
    return { id };
  }

  async versions(id: string, page: number, limit: number) {
    await this.get(id);
    const base = this.db.selectFrom("metadata_versions").where("metadata_id", "=", id);
    const [rows, count] = await Promise.all([
      base
        .select(["version", "change", "document", "created_at"])
        .orderBy("version", "desc")
        .limit(limit)
        .offset((page - 1) * limit)
        .execute(),
      base.select((eb) => eb.fn.countAll<number>().as("n")).executeTakeFirstOrThrow(),
    ]);
    const items: VersionRecord[] = rows.map((r) => ({
      version: r.version,
      change: r.change,
      document: r.document,
      createdAt: r.created_at,
    }));
    return { items, total: Number(count.n) };
  }

  async version(id: string, version: number): Promise<VersionRecord> {
    const row = await this.db
      .selectFrom("metadata_versions")
      .select(["version", "change", "document", "created_at"])
      .where("metadata_id", "=", id)
      .where("version", "=", version)
      .executeTakeFirst();
    if (!row) throw notFound(`Version ${version}`);
    return {
      version: row.version,
      change: row.change,
      document: row.document,
      createdAt: row.created_at,
    };
  }

  async list(query: MetadataQuery): Promise<{ items: MetadataRecord[]; total: number }> {
    let base = this.db.selectFrom("metadata");
    if (query.collection !== undefined) base = base.where("collection", "=", query.collection);
    if (query.search) {
      const pattern = `%${escapeLike(query.search.toLowerCase())}%`;
      base = base.where(sql<boolean>`search_text like ${pattern} escape '\\'`);
    }
    for (const trait of query.traits ?? []) {
      base = base.where("id", "in", (eb) =>
        eb
          .selectFrom("metadata_traits")
          .select("metadata_id")
          .where("trait_type", "=", trait.type)
          .where("value", "=", trait.value),
      );
    }
    const column = SORT_COLUMNS[query.sort ?? "createdAt"];
    const direction = query.descending ? "desc" : "asc";
    const [rows, count] = await Promise.all([
      base
        .selectAll()
        .orderBy(column, direction)
        .orderBy("id", direction)
        .limit(query.limit)
        .offset((query.page - 1) * query.limit)
        .execute(),
      base.select((eb) => eb.fn.countAll<number>().as("n")).executeTakeFirstOrThrow(),
    ]);
    return { items: rows.map(toRecord), total: Number(count.n) };
  }
}

async function requireCollection(trx: Executor, slug: string): Promise<void> {
  const found = await trx
    .selectFrom("collections")
    .select("slug")
    .where("slug", "=", slug)
    .executeTakeFirst();
  if (!found) throw notFound(`Collection '${slug}'`);
}

async function loadForUpdate(trx: Executor, id: string): Promise<MetadataRecord> {
  const row = await trx.selectFrom("metadata").selectAll().where("id", "=", id).executeTakeFirst();
  if (!row) throw notFound("Metadata");
  return toRecord(row);
}

function checkPrecondition(current: MetadataRecord, pre: Precondition): void {
  if (pre.version !== undefined && pre.version !== current.version) {
    throw staleVersion(current);
  }
  if (pre.ifMatch) {
    const tag = recordEtag(current);
    if (!pre.ifMatch.some((t) => t === "*" || t === tag)) throw staleVersion(current);
  }
}

function staleVersion(current: MetadataRecord): AppError {
  return new AppError(
    "CONFLICT",
    `The document has changed since it was read; the current version is ${current.version}`,
    undefined,
    { currentVersion: current.version },
  );
}

/** Inserts a record (version 1) with its first history entry and its traits. */
export async function insertRecord(
  trx: Executor,
  collection: string | null,
  tokenId: string | null,
  doc: PreparedDocument,
  change: string,
): Promise<MetadataRecord> {
  const now = new Date().toISOString();
  const row: MetadataRow = {
    id: randomUUID(),
    collection,
    token_id: tokenId,
    token_key: tokenId === null ? null : tokenKey(tokenId),
    version: 1,
    document: doc.raw,
    etag: doc.etag,
    name: doc.name,
    search_text: doc.searchText,
    created_at: now,
    updated_at: now,
  };
  if (collection !== null && tokenId !== null) await refuseTakenToken(trx, collection, tokenId);
  await trx.insertInto("metadata").values(row).execute();
  await addHistory(trx, row.id, 1, doc, change, now);
  await addTraits(trx, row.id, doc);
  return toRecord(row);
}

async function refuseTakenToken(trx: Executor, collection: string, tokenId: string) {
  const taken = await trx
    .selectFrom("metadata")
    .select("id")
    .where("collection", "=", collection)
    .where("token_key", "=", tokenKey(tokenId))
    .executeTakeFirst();
  if (taken) throw conflict(`Token ${tokenId} already exists in collection '${collection}'`);
}

/** Writes a new version of an existing record; only if nobody wrote one in between. */
export async function writeVersion(
  trx: Executor,
  current: MetadataRecord,
  doc: PreparedDocument,
  change: string,
): Promise<MetadataRecord> {
  const now = new Date().toISOString();
  const version = current.version + 1;
  const result = await trx
    .updateTable("metadata")
    .set({
      version,
      document: doc.raw,
      etag: doc.etag,
      name: doc.name,
      search_text: doc.searchText,
      updated_at: now,
    })
    .where("id", "=", current.id)
    .where("version", "=", current.version)
    .executeTakeFirst();
  if (Number(result.numUpdatedRows) === 0) throw staleVersion(current);
  await addHistory(trx, current.id, version, doc, change, now);
  await trx.deleteFrom("metadata_traits").where("metadata_id", "=", current.id).execute();
  await addTraits(trx, current.id, doc);
  return { ...current, version, document: doc.raw, etag: doc.etag, updatedAt: now };
}

async function addHistory(
  trx: Executor,
  id: string,
  version: number,
  doc: PreparedDocument,
  change: string,
  at: string,
) {
  await trx
    .insertInto("metadata_versions")
    .values({ metadata_id: id, version, document: doc.raw, etag: doc.etag, change, created_at: at })
    .execute();
}

async function addTraits(trx: Executor, id: string, doc: PreparedDocument) {
  if (doc.traits.length === 0) return;
  await trx
    .insertInto("metadata_traits")
    .values(doc.traits.map((t) => ({ metadata_id: id, ...t })))
    .execute();
}

function cacheKeysOf(r: Pick<MetadataRecord, "id" | "collection" | "tokenId">): string[] {
  const keys = [recordKey(r.id)];
  if (r.collection !== null && r.tokenId !== null)
    keys.push(...publicKeysOf(r.collection, r.tokenId));
  return keys;
}

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}
