import type { Kysely } from "kysely";

// Migrations use only what the schema builder expresses the same way on SQLite and PostgreSQL.
// biome-ignore lint/suspicious/noExplicitAny: a migration must not depend on today's schema type
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("api_keys")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("prefix", "text", (c) => c.notNull())
    .addColumn("key_hash", "text", (c) => c.notNull().unique())
    .addColumn("scopes", "text", (c) => c.notNull())
    .addColumn("rate_limit", "integer")
    .addColumn("ip_allowlist", "text")
    .addColumn("enabled", "integer", (c) => c.notNull().defaultTo(1))
    .addColumn("expires_at", "text")
    .addColumn("revoked_at", "text")
    .addColumn("last_used_at", "text")
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("updated_at", "text", (c) => c.notNull())
    .execute();

  await db.schema
    .createTable("collections")
    .addColumn("slug", "text", (c) => c.primaryKey())
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("description", "text")
    .addColumn("image", "text")
    .addColumn("banner_image", "text")
    .addColumn("featured_image", "text")
    .addColumn("external_link", "text")
    .addColumn("collaborators", "text")
    .addColumn("standard", "text", (c) => c.notNull())
    .addColumn("chain_id", "bigint")
    .addColumn("contract_address", "text")
    .addColumn("public", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("updated_at", "text", (c) => c.notNull())
    .execute();

  await db.schema
    .createTable("metadata")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("collection", "text", (c) => c.references("collections.slug").onDelete("cascade"))
    .addColumn("token_id", "text")
    .addColumn("token_key", "text")
    .addColumn("version", "integer", (c) => c.notNull())
    .addColumn("document", "text", (c) => c.notNull())
    .addColumn("etag", "text", (c) => c.notNull())
    .addColumn("name", "text")
    .addColumn("search_text", "text", (c) => c.notNull())
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("updated_at", "text", (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex("metadata_collection_token")
    .on("metadata")
    .columns(["collection", "token_key"])
    .unique()
    .execute();
  await db.schema.createIndex("metadata_created").on("metadata").column("created_at").execute();

  await db.schema
    .createTable("metadata_versions")
    .addColumn("metadata_id", "text", (c) =>
      c.notNull().references("metadata.id").onDelete("cascade"),
    )
    .addColumn("version", "integer", (c) => c.notNull())
    .addColumn("document", "text", (c) => c.notNull())
    .addColumn("etag", "text", (c) => c.notNull())
    .addColumn("change", "text", (c) => c.notNull())
    .addColumn("created_at", "text", (c) => c.notNull())
    .addPrimaryKeyConstraint("metadata_versions_pk", ["metadata_id", "version"])
    .execute();

  await db.schema
    .createTable("metadata_traits")
    .addColumn("metadata_id", "text", (c) =>
      c.notNull().references("metadata.id").onDelete("cascade"),
    )
    .addColumn("trait_type", "text", (c) => c.notNull())
    .addColumn("value", "text", (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex("metadata_traits_lookup")
    .on("metadata_traits")
    .columns(["trait_type", "value", "metadata_id"])
    .execute();
  await db.schema
    .createIndex("metadata_traits_owner")
    .on("metadata_traits")
    .column("metadata_id")
    .execute();

  await db.schema
    .createTable("generations")
    .addColumn("name", "text", (c) => c.primaryKey())
    .addColumn("value", "bigint", (c) => c.notNull())
    .execute();
}

// biome-ignore lint/suspicious/noExplicitAny: see up()
export async function down(db: Kysely<any>): Promise<void> {
  for (const table of [
    "generations",
    "metadata_traits",
    "metadata_versions",
    "metadata",
    "collections",
    "api_keys",
  ]) {
    await db.schema.dropTable(table).ifExists().execute();
  }
}
