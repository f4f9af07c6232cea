import type { Insertable, Selectable } from "kysely";

/** Timestamps are ISO 8601 strings in UTC with milliseconds, so they sort as text on every dialect. */
type Timestamp = string;

/** Booleans are 0 or 1 on every dialect. */
type Flag = number;

export interface ApiKeysTable {
  id: string;
  name: string;
  /** The first characters of the key, shown so that a person can tell keys apart. */
  prefix: string;
  /** SHA-256 of the whole key, hex. The key itself is never stored. */
  key_hash: string;
  /** Space-separated scopes. */
  scopes: string;
  /** Requests per hour; null means the configured default. */
  rate_limit: number | null;
  /** JSON array of CIDR blocks; null means any address. */
  ip_allowlist: string | null;
  enabled: Flag;
  expires_at: Timestamp | null;
  revoked_at: Timestamp | null;
  last_used_at: Timestamp | null;
  /** The key or user that created this key. */
  created_by: string | null;
  /** The key this one replaced by rotation. */
  rotated_from: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface CollectionsTable {
  slug: string;
  name: string;
  description: string | null;
  image: string | null;
  banner_image: string | null;
  featured_image: string | null;
  external_link: string | null;
  /** JSON array of addresses (EIP-7572). */
  collaborators: string | null;
  standard: "erc721" | "erc1155";
  chain_id: number | null;
  contract_address: string | null;
  public: Flag;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface MetadataTable {
  id: string;
  collection: string | null;
  /** uint256 in canonical decimal form. */
  token_id: string | null;
  /** token_id left-padded to 78 digits, so that text order is numeric order. */
  token_key: string | null;
  version: number;
  /** The document as sent, minified, every literal kept. */
  document: string;
  /** Strong validator of `document`. */
  etag: string;
  name: string | null;
  /** Lower-cased name and description for search. */
  search_text: string;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface MetadataVersionsTable {
  metadata_id: string;
  version: number;
  document: string;
  etag: string;
  /** What made this version: create, update, patch, restore or import. */
  change: string;
  created_at: Timestamp;
}

export interface MetadataTraitsTable {
  metadata_id: string;
  trait_type: string;
  value: string;
}

/** Counters that tell other processes that something they cache has changed. */
export interface GenerationsTable {
  name: string;
  value: number;
}

export interface MediaBlobsTable {
  /** SHA-256 of the bytes, hex: the content's identity. */
  sha256: string;
  /** CIDv1 as `ipfs add --cid-version 1` gives it. */
  cid: string;
  size: number;
  /** Decided from the bytes. */
  mime_type: string;
  /** The store's name for the object, made by the store. */
  storage_key: string;
  width: number | null;
  height: number | null;
  duration_ms: number | null;
  /** JSON array of the resized copies made of an image. */
  variants: string;
  /** pending, ready, failed, or none for media that has no variants. */
  variants_status: string;
  created_at: Timestamp;
}

export interface MediaTable {
  id: string;
  sha256: string;
  /** The client's file name as sent, kept as data only. */
  file_name: string;
  /** Lower-cased file name for search. */
  name_search: string;
  alt: string | null;
  created_at: Timestamp;
}

/** The activity log: one row per API request that reached authentication, and per admin action. */
export interface AuditLogTable {
  /** Sorts in time order, so that it serves as the pagination cursor. */
  id: string;
  time: Timestamp;
  kind: "request" | "admin";
  request_id: string | null;
  key_id: string | null;
  user_id: string | null;
  method: string | null;
  /** The route pattern, e.g. /api/metadata/:id. */
  route: string | null;
  /** The path without its query string. */
  path: string | null;
  status: number | null;
  latency_ms: number | null;
  ip: string | null;
  user_agent: string | null;
  /** Why authentication failed; never shown to the caller. */
  reason: string | null;
  /** An administrative action, e.g. key.created. */
  action: string | null;
  target: string | null;
  /** JSON of the target before and after the action, secrets removed. */
  before: string | null;
  after: string | null;
}

export interface Database {
  audit_log: AuditLogTable;
  api_keys: ApiKeysTable;
  collections: CollectionsTable;
  metadata: MetadataTable;
  metadata_versions: MetadataVersionsTable;
  metadata_traits: MetadataTraitsTable;
  generations: GenerationsTable;
  media_blobs: MediaBlobsTable;
  media: MediaTable;
}

export type ApiKeyRow = Selectable<ApiKeysTable>;
export type AuditRow = Selectable<AuditLogTable>;
export type CollectionRow = Selectable<CollectionsTable>;
export type MetadataRow = Selectable<MetadataTable>;
export type NewMetadataRow = Insertable<MetadataTable>;
export type MediaBlobRow = Selectable<MediaBlobsTable>;
export type MediaRow = Selectable<MediaTable>;
