import { randomBytes } from "node:crypto";
import type { Readable } from "node:stream";
import { buffer } from "node:stream/consumers";
import { sql } from "kysely";
import type { MediaConfig } from "../config.js";
import type { Db } from "../db/database.js";
import type { MediaBlobRow, MediaRow } from "../db/schema.js";
import { AppError, notFound } from "../errors.js";
import { type Dimensions, imageDimensions, makeVariants, type Variant } from "./images.js";
import { type Inspected, UploadInspector } from "./inspector.js";
import type { MediaStore } from "./stores/store.js";
import { WorkQueue } from "./work-queue.js";

/** What the API shows of one upload. */
export interface MediaRecord {
  id: string;
  fileName: string;
  mimeType: string;
  size: number;
  sha256: string;
  cid: string;
  width: number | null;
  height: number | null;
  durationSeconds: number | null;
  variants: {
    name: string;
    width: number;
    height: number;
    mimeType: string;
    size: number;
    url: string;
  }[];
  variantsStatus: string;
  url: string;
  alt: string | null;
  createdAt: string;
}

export interface UploadInput {
  source: Readable;
  fileName: string;
  declaredType: string | undefined;
  alt: string | null;
}

export interface MediaQuery {
  page: number;
  limit: number;
  /** A kind (image, video, audio, model) or a full MIME type. */
  type?: string;
  /** Part of the file name, any case. */
  name?: string;
}

/** An object to send at a content URL. */
export interface ContentObject {
  key: string;
  size: number;
  mimeType: string;
  etag: string;
}

type Joined = MediaRow & Omit<MediaBlobRow, "sha256" | "created_at">;

/** Uploads, their content-addressed bytes and the resized copies of images. */
export class MediaService {
  private readonly queue: WorkQueue;

  constructor(
    private readonly db: Db,
    readonly store: MediaStore,
    private readonly config: { media: MediaConfig; publicBaseUrl: string },
  ) {
    this.queue = new WorkQueue((error) =>
      this.log.error({ err: error }, "media background work failed"),
    );
  }

  /** Where background failures are reported; the HTTP edge gives its logger. */
  log: { error: (fields: object, message: string) => void } = { error: () => {} };

  /** Streams an upload to the store and records it; the bytes are never held whole. */
  async upload(input: UploadInput): Promise<MediaRecord> {
    const { inspected, key } = await this.receive(input.source, input.declaredType);
    const blob = await this.keepOnce(inspected, key);
    const id = `med_${randomBytes(12).toString("base64url")}`;
    await this.db
      .insertInto("media")
      .values({
        id,
        sha256: blob.sha256,
        file_name: input.fileName,
        name_search: input.fileName.toLowerCase(),
        alt: input.alt,
        created_at: new Date().toISOString(),
      })
      .execute();
    return this.get(id);
  }

  async get(id: string): Promise<MediaRecord> {
    const row = await this.joined().where("media.id", "=", id).executeTakeFirst();
    if (!row) throw notFound("Media");
    return this.toRecord(row);
  }

  async setAlt(id: string, alt: string): Promise<MediaRecord> {
    await this.db.updateTable("media").set({ alt }).where("id", "=", id).execute();
    return this.get(id);
  }

  async list(query: MediaQuery): Promise<{ items: MediaRecord[]; total: number }> {
    let base = this.joined();
    if (query.type?.includes("/")) base = base.where("media_blobs.mime_type", "=", query.type);
    else if (query.type) base = base.where("media_blobs.mime_type", "like", `${query.type}/%`);
    if (query.name) {
      const pattern = `%${escapeLike(query.name.toLowerCase())}%`;
      base = base.where(sql<boolean>`media.name_search like ${pattern} escape '\\'`);
    }
    const counted = await base
      .clearSelect()
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .executeTakeFirst();
    const rows = await base
      .orderBy("media.created_at", "desc")
      .orderBy("media.id", "desc")
      .limit(query.limit)
      .offset((query.page - 1) * query.limit)
      .execute();
    return { items: rows.map((r) => this.toRecord(r)), total: Number(counted?.n ?? 0) };
  }

  /** Deletes an upload; the bytes go when no other upload has the same content. */
  async delete(id: string): Promise<{ id: string }> {
    const orphan = await this.db.transaction().execute(async (trx) => {
      const row = await trx
        .deleteFrom("media")
        .where("id", "=", id)
        .returning("sha256")
        .executeTakeFirst();
      if (!row) throw notFound("Media");
      const other = await trx
        .selectFrom("media")
        .select("id")
        .where("sha256", "=", row.sha256)
        .executeTakeFirst();
      if (other) return undefined;
      return trx
        .deleteFrom("media_blobs")
        .where("sha256", "=", row.sha256)
        .returningAll()
        .executeTakeFirst();
    });
    if (orphan) await this.removeObjects(orphan.storage_key, parseVariants(orphan.variants));
    return { id };
  }

  /** The object at a content address (SHA-256 hex or CID), or one of its variants by name. */
  async content(address: string, variantName?: string): Promise<ContentObject> {
    const column = /^[0-9a-f]{64}$/.test(address) ? "sha256" : "cid";
    const blob = await this.db
      .selectFrom("media_blobs")
      .selectAll()
      .where(column, "=", address)
      .executeTakeFirst();
    if (!blob) throw notFound("Media");
    if (variantName === undefined) {
      const size = Number(blob.size);
      return { key: blob.storage_key, size, mimeType: blob.mime_type, etag: `"${blob.sha256}"` };
    }
    const variant = parseVariants(blob.variants).find((v) => v.name === variantName);
    if (!variant) throw notFound("Media variant");
    const etag = `"${blob.sha256}-${variant.name}"`;
    return { key: variant.key, size: variant.size, mimeType: variant.mimeType, etag };
  }

  /** Resolves when the variants asked for so far are made (tests, shutdown). */
  idle(): Promise<void> {
    return this.queue.idle();
  }

  async close(): Promise<void> {
    await this.idle();
    await this.store.close();
  }

  private async receive(source: Readable, declaredType: string | undefined) {
    const inspector = new UploadInspector({
      declaredType,
      limitBytes: this.config.media.limitBytes,
    });
    // Piped rather than pipeline()d: a refused file must not destroy the multipart stream it
    // comes from, so that a batch can go on to the next file.
    source.once("error", (error) => inspector.destroy(error));
    source.pipe(inspector);
    try {
      const type = await inspector.decided();
      const key = await this.store.write(inspector, type.mimeType);
      return { inspected: inspector.result(), key };
    } finally {
      source.unpipe(inspector);
    }
  }

  /** Records the content once; when it is already there, the new copy is removed. */
  private async keepOnce(inspected: Inspected, key: string): Promise<MediaBlobRow> {
    const existing = await this.blob(inspected.sha256);
    if (existing) {
      await this.store.delete(key);
      return existing;
    }
    const dimensions = await this.dimensions(inspected, key);
    const wantsVariants = dimensions !== undefined && this.config.media.variantSizes.length > 0;
    await this.db
      .insertInto("media_blobs")
      .values({
        sha256: inspected.sha256,
        cid: inspected.cid,
        size: inspected.size,
        mime_type: inspected.mimeType,
        storage_key: key,
        width: dimensions?.width ?? null,
        height: dimensions?.height ?? null,
        duration_ms: null,
        variants: "[]",
        variants_status: wantsVariants ? "pending" : "none",
        created_at: new Date().toISOString(),
      })
      .onConflict((oc) => oc.column("sha256").doNothing())
      .execute();
    const kept = await this.blob(inspected.sha256);
    if (!kept) throw new Error("media blob vanished after insert");
    if (kept.storage_key !== key) await this.store.delete(key);
    else if (dimensions && wantsVariants) this.queueVariants(kept.sha256, key, dimensions);
    return kept;
  }

  private async dimensions(inspected: Inspected, key: string): Promise<Dimensions | undefined> {
    if (inspected.kind !== "image") return undefined;
    try {
      return await imageDimensions(await this.store.read(key));
    } catch (error) {
      if (error instanceof AppError) {
        await this.store.delete(key);
        throw error;
      }
    }
    // Reading back what was just written failed (a store's passing fault): once more, then give up.
    try {
      return await imageDimensions(await this.store.read(key));
    } catch (error) {
      await this.store.delete(key);
      throw error;
    }
  }

  private queueVariants(sha256: string, key: string, dimensions: Dimensions): void {
    this.queue.add(async () => {
      let variants: Variant[] = [];
      let status = "ready";
      try {
        const original = await buffer(await this.store.read(key));
        variants = await makeVariants(
          original,
          dimensions,
          this.config.media.variantSizes,
          (body, type) => this.store.write(body, type),
        );
      } catch (error) {
        this.log.error({ err: error, sha256 }, "image variants failed");
        status = "failed";
      }
      const updated = await this.db
        .updateTable("media_blobs")
        .set({ variants: JSON.stringify(variants), variants_status: status })
        .where("sha256", "=", sha256)
        .executeTakeFirst();
      // The media was deleted while its variants were made.
      if (updated.numUpdatedRows === 0n) await this.removeObjects(undefined, variants);
    });
  }

  private async removeObjects(key: string | undefined, variants: Variant[]): Promise<void> {
    const keys = variants.map((v) => v.key);
    if (key) keys.push(key);
    await Promise.all(keys.map((k) => this.store.delete(k)));
  }

  private blob(sha256: string) {
    return this.db
      .selectFrom("media_blobs")
      .selectAll()
      .where("sha256", "=", sha256)
      .executeTakeFirst();
  }

  private joined() {
    return this.db
      .selectFrom("media")
      .innerJoin("media_blobs", "media_blobs.sha256", "media.sha256")
      .selectAll("media")
      .select([
        "media_blobs.cid",
        "media_blobs.size",
        "media_blobs.mime_type",
        "media_blobs.storage_key",
        "media_blobs.width",
        "media_blobs.height",
        "media_blobs.duration_ms",
        "media_blobs.variants",
        "media_blobs.variants_status",
      ]);
  }

  private toRecord(row: Joined): MediaRecord {
    const base = `${this.config.publicBaseUrl}/media/${row.cid}`;
    return {
      id: row.id,
      fileName: row.file_name,
      mimeType: row.mime_type,
      size: Number(row.size),
      sha256: row.sha256,
      cid: row.cid,
      width: row.width,
      height: row.height,
      durationSeconds: row.duration_ms === null ? null : row.duration_ms / 1000,
      variants: parseVariants(row.variants).map((v) => ({
        name: v.name,
        width: v.width,
        height: v.height,
        mimeType: v.mimeType,
        size: v.size,
        url: `${base}/${v.name}`,
      })),
      variantsStatus: row.variants_status,
      url: base,
      alt: row.alt,
      createdAt: row.created_at,
    };
  }
}

function parseVariants(json: string): Variant[] {
  return JSON.parse(json) as Variant[];
}

function escapeLike(value: string): string {
  return value.replace(/[\\%_]/g, (c) => `\\${c}`);
}
