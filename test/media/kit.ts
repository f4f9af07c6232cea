import { randomBytes } from "node:crypto";
import { DATABASES, type DatabaseKind, startTestApp, type TestApp } from "../helpers.js";
import { startS3Server } from "./s3-server.js";

/** Test support shared by the media suites: forms, stores and a test app on either store. */

export interface FormField {
  name: string;
  data: Buffer | string;
  filename?: string;
  type?: string;
}

export function multipartBody(fields: FormField[]): { payload: Buffer; contentType: string } {
  const boundary = `----nftmeta${randomBytes(8).toString("hex")}`;
  const parts: Buffer[] = [];
  for (const f of fields) {
    let head = `--${boundary}\r\nContent-Disposition: form-data; name="${f.name}"`;
    if (f.filename !== undefined) head += `; filename="${f.filename}"`;
    head += "\r\n";
    if (f.type) head += `Content-Type: ${f.type}\r\n`;
    parts.push(Buffer.from(`${head}\r\n`), Buffer.from(f.data), Buffer.from("\r\n"));
  }
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  return {
    payload: Buffer.concat(parts),
    contentType: `multipart/form-data; boundary=${boundary}`,
  };
}

export type StoreKind = "local" | "s3";

/**
 * The stores every media suite runs on: local always; S3 too when S3_TEST=1 or under CI. The S3
 * server (s3rver, an npm dev dependency) is started by the suite, so under CI a server that
 * cannot start fails the run instead of skipping it.
 */
export const STORES: StoreKind[] =
  process.env.S3_TEST === "1" || process.env.CI ? ["local", "s3"] : ["local"];

/** Store and database pairs for the API suite: every store on SQLite, and local on PostgreSQL. */
export const STORE_DATABASES: [StoreKind, DatabaseKind][] = [
  ...STORES.map((store): [StoreKind, DatabaseKind] => [store, "sqlite"]),
  ...DATABASES.filter((d) => d !== "sqlite").map((d): [StoreKind, DatabaseKind] => ["local", d]),
];

export interface MediaTestApp extends TestApp {
  upload: (fields: FormField[], key: string, url?: string) => ReturnType<TestApp["call"]>;
}

/** A test app on the given store, with an S3 server of its own when the store is S3. */
export async function startMediaApp(
  store: StoreKind,
  env: Record<string, string> = {},
  database: DatabaseKind = "sqlite",
): Promise<MediaTestApp> {
  const s3 = store === "s3" ? await startS3Server() : undefined;
  const app = await startTestApp({
    database,
    env: { MEDIA_VARIANT_SIZES: "", ...s3?.env, ...env },
  });
  const upload: MediaTestApp["upload"] = (fields, key, url = "/api/media") => {
    const form = multipartBody(fields);
    return app.call("POST", url, {
      key,
      payload: form.payload,
      headers: { "content-type": form.contentType },
    });
  };
  const close = async () => {
    await app.close();
    await app.services.media.close();
    await s3?.stop();
  };
  return { ...app, upload, close };
}
