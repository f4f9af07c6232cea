import { type HotCache, NoCache, publicKeysOf } from "../cache/hot-cache.js";
import type { Db } from "../db/database.js";
import type { CollectionRow, CollectionsTable } from "../db/schema.js";
import { conflict, notFound } from "../errors.js";

export type Standard = "erc721" | "erc1155";

/** A collection as the API shows it; EIP-7572 fields keep the names the standard gives them. */
export interface Collection {
  slug: string;
  name: string;
  description: string | null;
  image: string | null;
  banner_image: string | null;
  featured_image: string | null;
  external_link: string | null;
  collaborators: string[];
  standard: Standard;
  chainId: number | null;
  contractAddress: string | null;
  public: boolean;
  tokenCount: number;
  createdAt: string;
  updatedAt: string;
}

/** The fields a caller sets; every one but slug, name and standard may be left out. */
export interface CollectionFields {
  name: string;
  standard: Standard;
  description?: string | null;
  image?: string | null;
  banner_image?: string | null;
  featured_image?: string | null;
  external_link?: string | null;
  collaborators?: string[] | null;
  chainId?: number | null;
  contractAddress?: string | null;
  public?: boolean;
}

function toCollection(row: CollectionRow, tokenCount: number): Collection {
  return {
    slug: row.slug,
    name: row.name,
    description: row.description,
    image: row.image,
    banner_image: row.banner_image,
    featured_image: row.featured_image,
    external_link: row.external_link,
    collaborators: row.collaborators ? (JSON.parse(row.collaborators) as string[]) : [],
    standard: row.standard,
    chainId: row.chain_id === null ? null : Number(row.chain_id),
    contractAddress: row.contract_address,
    public: row.public === 1,
    tokenCount,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

function toColumns(f: Partial<CollectionFields>): Partial<CollectionsTable> {
  const columns: Partial<CollectionsTable> = {};
  if (f.name !== undefined) columns.name = f.name;
  if (f.standard !== undefined) columns.standard = f.standard;
  if (f.description !== undefined) columns.description = f.description;
  if (f.image !== undefined) columns.image = f.image;
  if (f.banner_image !== undefined) columns.banner_image = f.banner_image;
  if (f.featured_image !== undefined) columns.featured_image = f.featured_image;
  if (f.external_link !== undefined) columns.external_link = f.external_link;
  if (f.collaborators !== undefined) {
    columns.collaborators = f.collaborators === null ? null : JSON.stringify(f.collaborators);
  }
  if (f.chainId !== undefined) columns.chain_id = f.chainId;
  if (f.contractAddress !== undefined) columns.contract_address = f.contractAddress;
  if (f.public !== undefined) columns.public = f.public ? 1 : 0;
  return columns;
}

/** Every field a full replacement sets; those left out go back to empty. */
const EMPTY: Omit<CollectionFields, "name" | "standard"> = {
  description: null,
  image: null,
  banner_image: null,
  featured_image: null,
  external_link: null,
  collaborators: null,
  chainId: null,
  contractAddress: null,
  public: false,
};

export class CollectionService {
  constructor(
    private readonly db: Db,
    private readonly cache: HotCache = new NoCache(),
  ) {}

  async get(slug: string): Promise<Collection> {
    const found = await this.find(slug);
    if (!found) throw notFound(`Collection '${slug}'`);
    return found;
  }

  async find(slug: string): Promise<Collection | undefined> {
    const row = await this.db
      .selectFrom("collections")
      .selectAll()
      .where("slug", "=", slug)
      .executeTakeFirst();
    return row && toCollection(row, await this.countTokens(slug));
  }

  async create(slug: string, fields: CollectionFields): Promise<Collection> {
    const now = new Date().toISOString();
    const existing = await this.db
      .selectFrom("collections")
      .select("slug")
      .where("slug", "=", slug)
      .executeTakeFirst();
    if (existing) throw conflict(`Collection '${slug}' already exists`);
    await this.db
      .insertInto("collections")
      .values({
        ...(toColumns({ ...EMPTY, ...fields }) as CollectionsTable),
        slug,
        created_at: now,
        updated_at: now,
      })
      .execute();
    return this.get(slug);
  }

  /** Replaces every field (PUT) or only the given ones (PATCH). */
  async update(slug: string, fields: Partial<CollectionFields>, replace: boolean) {
    const columns = toColumns(replace ? { ...EMPTY, ...fields } : fields);
    const result = await this.db
      .updateTable("collections")
      .set({ ...columns, updated_at: new Date().toISOString() })
      .where("slug", "=", slug)
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) === 0) throw notFound(`Collection '${slug}'`);
    // Whether and how its tokens are served may have changed (public, standard).
    await this.forgetTokens(slug);
    return this.get(slug);
  }

  /** Deletes a collection; one that holds tokens only when `force` is set, with its tokens. */
  async delete(slug: string, force: boolean): Promise<{ id: string; deletedTokens: number }> {
    const collection = await this.get(slug);
    if (collection.tokenCount > 0 && !force) {
      throw conflict(
        `Collection '${slug}' holds ${collection.tokenCount} tokens; delete with force=true to remove them too`,
      );
    }
    const tokens = await this.tokenIds(slug);
    await this.db.transaction().execute(async (trx) => {
      await trx.deleteFrom("metadata").where("collection", "=", slug).execute();
      await trx.deleteFrom("collections").where("slug", "=", slug).execute();
    });
    await this.cache.invalidate(tokens.flatMap((t) => publicKeysOf(slug, t)));
    return { id: slug, deletedTokens: collection.tokenCount };
  }

  async list(page: number, limit: number): Promise<{ items: Collection[]; total: number }> {
    const [rows, count] = await Promise.all([
      this.db
        .selectFrom("collections")
        .selectAll()
        .orderBy("slug")
        .limit(limit)
        .offset((page - 1) * limit)
        .execute(),
      this.db
        .selectFrom("collections")
        .select((eb) => eb.fn.countAll<number>().as("n"))
        .executeTakeFirstOrThrow(),
    ]);
    const items = await Promise.all(
      rows.map(async (r) => toCollection(r, await this.countTokens(r.slug))),
    );
    return { items, total: Number(count.n) };
  }

  private async tokenIds(slug: string): Promise<string[]> {
    const rows = await this.db
      .selectFrom("metadata")
      .select("token_id")
      .where("collection", "=", slug)
      .where("token_id", "is not", null)
      .execute();
    return rows.flatMap((r) => (r.token_id === null ? [] : [r.token_id]));
  }

  private async forgetTokens(slug: string): Promise<void> {
    if (this.cache.kind === "none") return;
    const tokens = await this.tokenIds(slug);
    await this.cache.invalidate(tokens.flatMap((t) => publicKeysOf(slug, t)));
  }

  private async countTokens(slug: string): Promise<number> {
    const row = await this.db
      .selectFrom("metadata")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .where("collection", "=", slug)
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }
}

/** The collection-level document of EIP-7572 (`contractURI`), without empty fields. */
export function contractDocument(c: Collection): Record<string, unknown> {
  const doc: Record<string, unknown> = { name: c.name };
  for (const field of [
    "description",
    "image",
    "banner_image",
    "featured_image",
    "external_link",
  ] as const) {
    if (c[field] !== null) doc[field] = c[field];
  }
  if (c.collaborators.length > 0) doc.collaborators = c.collaborators;
  return doc;
}
