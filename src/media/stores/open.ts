import { join } from "node:path";
import type { Config } from "../../config.js";
import { LocalStore } from "./local.js";
import { S3Store } from "./s3.js";
import type { MediaStore } from "./store.js";

/** The store MEDIA_STORE names: a folder under DATA_DIR (the default) or an S3 bucket. */
export function openMediaStore(config: Readonly<Config>): MediaStore {
  const s3 = config.media.s3;
  if (config.mediaStore === "s3" && s3) return new S3Store(s3);
  return new LocalStore(join(config.dataDir, "media"));
}
