import type { Kysely } from "kysely";

// biome-ignore lint/suspicious/noExplicitAny: a migration must not depend on today's schema type
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable("api_keys").addColumn("created_by", "text").execute();
  await db.schema.alterTable("api_keys").addColumn("rotated_from", "text").execute();

  await db.schema
    .createTable("audit_log")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("time", "text", (c) => c.notNull())
    .addColumn("kind", "text", (c) => c.notNull())
    .addColumn("request_id", "text")
    .addColumn("key_id", "text")
    .addColumn("user_id", "text")
    .addColumn("method", "text")
    .addColumn("route", "text")
    .addColumn("path", "text")
    .addColumn("status", "integer")
    .addColumn("latency_ms", "real")
    .addColumn("ip", "text")
    .addColumn("user_agent", "text")
    .addColumn("reason", "text")
    .addColumn("action", "text")
    .addColumn("target", "text")
    .addColumn("before", "text")
    .addColumn("after", "text")
    .execute();
  await db.schema.createIndex("audit_log_key").on("audit_log").columns(["key_id", "id"]).execute();
  await db.schema.createIndex("audit_log_time").on("audit_log").column("time").execute();
}

// biome-ignore lint/suspicious/noExplicitAny: see up()
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("audit_log").ifExists().execute();
  await db.schema.alterTable("api_keys").dropColumn("rotated_from").execute();
  await db.schema.alterTable("api_keys").dropColumn("created_by").execute();
}
