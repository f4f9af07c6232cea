import { randomUUID } from "node:crypto";
import { createReadStream, createWriteStream, mkdirSync } from "node:fs";
import { access, mkdir, readdir, rename, rm } from "node:fs/promises";
import { dirname, join, relative } from "node:path";
import type { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { ByteRange, MediaStore } from "./store.js";

// Writes land here first and are renamed into place when complete, so that a crash or an abort
// never leaves a partial object under its final name.
const PARTIAL_DIR = ".partial";

/** Media as files in a folder (by default DATA_DIR/media). */
export class LocalStore implements MediaStore {
  readonly kind = "local";

  constructor(private readonly root: string) {
    mkdirSync(join(root, PARTIAL_DIR), { recursive: true });
  }

  /** Removes what an interrupted run left half-written. */
  async prepare(): Promise<void> {
    await rm(join(this.root, PARTIAL_DIR), { recursive: true, force: true });
    await mkdir(join(this.root, PARTIAL_DIR), { recursive: true });
  }

  async write(body: Readable): Promise<string> {
    const id = randomUUID();
    const name = `${id.slice(0, 2)}/${id}`;
    const partial = join(this.root, PARTIAL_DIR, id);
    try {
      await pipeline(body, createWriteStream(partial, { flags: "wx" }));
      await mkdir(dirname(this.path(name)), { recursive: true });
      await rename(partial, this.path(name));
    } catch (error) {
      await rm(partial, { force: true });
      throw error;
    }
    return name;
  }

  async read(name: string, range?: ByteRange): Promise<Readable> {
    const stream = createReadStream(this.path(name), range);
    // Surface a missing file here rather than on the first read.
    await new Promise<void>((resolve, reject) => {
      stream.once("open", () => resolve());
      stream.once("error", reject);
    });
    return stream;
  }

  async delete(name: string): Promise<void> {
    await rm(this.path(name), { force: true });
  }

  async exists(name: string): Promise<boolean> {
    return access(this.path(name)).then(
      () => true,
      () => false,
    );
  }

  async list(): Promise<string[]> {
    const entries = await readdir(this.root, { recursive: true, withFileTypes: true });
    return entries
      .filter((e) => e.isFile())
      .map((e) => relative(this.root, join(e.parentPath, e.name)));
  }

  async ping(): Promise<void> {
    await access(join(this.root, PARTIAL_DIR));
  }

  async close(): Promise<void> {}

  private path(name: string): string {
    return join(this.root, name);
  }
}
