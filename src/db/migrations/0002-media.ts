import type { Kysely } from "kysely";

// Same rules as 0001: only what the schema builder writes alike on SQLite and PostgreSQL.
// biome-ignore lint/suspicious/noExplicitAny: a migration must not depend on today's schema type
export async function up(db: Kysely<any>): Promise<void> {
  // One row per distinct content: the same bytes uploaded twice are stored once.
  await db.schema
    .createTable("media_blobs")
    .addColumn("sha256", "text", (c) => c.primaryKey())
    .addColumn("cid", "text", (c) => c.notNull())
    .addColumn("size", "bigint", (c) => c.notNull())
    .addColumn("mime_type", "text", (c) => c.notNull())
    .addColumn("storage_key", "text", (c) => c.notNull())
    .addColumn("width", "integer")
    .addColumn("height", "integer")
    .addColumn("duration_ms", "integer")
    .addColumn("variants", "text", (c) => c.notNull())
    .addColumn("variants_status", "text", (c) => c.notNull())
    .addColumn("created_at", "text", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("media_blobs_cid").on("media_blobs").column("cid").execute();

  // One row per upload: the client's file name and alt text are data, never a storage name.
  await db.schema
    .createTable("media")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("sha256", "text", (c) => c.notNull().references("media_blobs.sha256"))
    .addColumn("file_name", "text", (c) => c.notNull())
    .addColumn("name_search", "text", (c) => c.notNull())
    .addColumn("alt", "text")
    .addColumn("created_at", "text", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("media_created").on("media").columns(["created_at", "id"]).execute();
  await db.schema.createIndex("media_sha256").on("media").column("sha256").execute();
}

// biome-ignore lint/suspicious/noExplicitAny: see up()
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("media").ifExists().execute();
  await db.schema.dropTable("media_blobs").ifExists().execute();
}
