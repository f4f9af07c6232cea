import { type ColumnDataType, type Kysely, PostgresAdapter } from "kysely";

/**
 * The dashboard's sign-in tables, in the shape Better Auth writes them (see src/auth/auth.ts for
 * the column names it is told to use). Better Auth sends real dates and booleans to PostgreSQL
 * and ISO text and 0/1 to SQLite, so those two column types follow the dialect.
 */
// biome-ignore lint/suspicious/noExplicitAny: a migration must not depend on today's schema type
export async function up(db: Kysely<any>): Promise<void> {
  const pg = db.getExecutor().adapter instanceof PostgresAdapter;
  const date: ColumnDataType = pg ? "timestamptz" : "text";
  const flag: ColumnDataType = pg ? "boolean" : "integer";

  await db.schema
    .createTable("auth_users")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("email", "text", (c) => c.notNull().unique())
    .addColumn("email_verified", flag, (c) => c.notNull())
    .addColumn("image", "text")
    .addColumn("role", "text", (c) => c.notNull().defaultTo("admin"))
    .addColumn("created_at", date, (c) => c.notNull())
    .addColumn("updated_at", date, (c) => c.notNull())
    .execute();

  await db.schema
    .createTable("auth_sessions")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("token", "text", (c) => c.notNull().unique())
    .addColumn("user_id", "text", (c) =>
      c.notNull().references("auth_users.id").onDelete("cascade"),
    )
    .addColumn("expires_at", date, (c) => c.notNull())
    .addColumn("ip_address", "text")
    .addColumn("user_agent", "text")
    .addColumn("created_at", date, (c) => c.notNull())
    .addColumn("updated_at", date, (c) => c.notNull())
    .execute();
  await db.schema.createIndex("auth_sessions_user").on("auth_sessions").column("user_id").execute();

  await db.schema
    .createTable("auth_accounts")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("account_id", "text", (c) => c.notNull())
    .addColumn("provider_id", "text", (c) => c.notNull())
    .addColumn("user_id", "text", (c) =>
      c.notNull().references("auth_users.id").onDelete("cascade"),
    )
    .addColumn("access_token", "text")
    .addColumn("refresh_token", "text")
    .addColumn("id_token", "text")
    .addColumn("access_token_expires_at", date)
    .addColumn("refresh_token_expires_at", date)
    .addColumn("scope", "text")
    .addColumn("password", "text")
    .addColumn("created_at", date, (c) => c.notNull())
    .addColumn("updated_at", date, (c) => c.notNull())
    .execute();
  await db.schema.createIndex("auth_accounts_user").on("auth_accounts").column("user_id").execute();

  await db.schema
    .createTable("auth_verifications")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("identifier", "text", (c) => c.notNull())
    .addColumn("value", "text", (c) => c.notNull())
    .addColumn("expires_at", date, (c) => c.notNull())
    .addColumn("created_at", date, (c) => c.notNull())
    .addColumn("updated_at", date, (c) => c.notNull())
    .execute();

  // Sign-in attempt counters, shared by every instance on the same database.
  await db.schema
    .createTable("auth_rate_limits")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("key", "text", (c) => c.notNull().unique())
    .addColumn("count", "integer", (c) => c.notNull())
    .addColumn("last_request", "bigint", (c) => c.notNull())
    .execute();
}

// biome-ignore lint/suspicious/noExplicitAny: see up()
export async function down(db: Kysely<any>): Promise<void> {
  for (const table of [
    "auth_rate_limits",
    "auth_verifications",
    "auth_accounts",
    "auth_sessions",
    "auth_users",
  ]) {
    await db.schema.dropTable(table).ifExists().execute();
  }
}
