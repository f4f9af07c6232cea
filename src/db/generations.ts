import { sql } from "kysely";
import type { Db } from "./database.js";

/** Tells every process that what it caches under `name` has changed. */
export async function bumpGeneration(db: Db, name: string): Promise<void> {
  await db
    .insertInto("generations")
    .values({ name, value: 1 })
    .onConflict((oc) => oc.column("name").doUpdateSet({ value: sql`generations.value + 1` }))
    .execute();
}

export async function readGeneration(db: Db, name: string): Promise<number> {
  const row = await db
    .selectFrom("generations")
    .select("value")
    .where("name", "=", name)
    .executeTakeFirst();
  return Number(row?.value ?? 0);
}
