import type { MetadataRecord, VersionRecord } from "./service.js";

// Documents are stored as raw JSON text; answers are assembled around that text so that every
// literal reaches the client exactly as it was sent, and the document is never parsed on a read.

const str = JSON.stringify;

export function metadataJson(r: MetadataRecord): string {
  return (
    `{"id":${str(r.id)},"collection":${str(r.collection)},"tokenId":${str(r.tokenId)},` +
    `"version":${r.version},"document":${r.document},` +
    `"createdAt":${str(r.createdAt)},"updatedAt":${str(r.updatedAt)}}`
  );
}

export function versionJson(v: VersionRecord): string {
  return `{"version":${v.version},"change":${str(v.change)},"document":${v.document},"createdAt":${str(v.createdAt)}}`;
}

/** `{"success":true,"data":…}` around JSON text. */
export function successJson(dataJson: string): string {
  return `{"success":true,"data":${dataJson}}`;
}

/** A page of items already in JSON text. */
export function pageJson(itemsJson: string[], total: number, page: number, limit: number): string {
  const pages = Math.ceil(total / limit);
  return `{"items":[${itemsJson.join(",")}],"total":${total},"page":${page},"limit":${limit},"pages":${pages}}`;
}
