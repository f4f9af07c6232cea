import type { Readable } from "node:stream";

/** Bytes from `start` to `end`, both included (RFC 9110 §14.1.2). */
export interface ByteRange {
  start: number;
  end: number;
}

/**
 * Where media bytes live. Object names are made by the store, never taken from a client; a write
 * that fails (a limit passed, a client gone) leaves nothing behind.
 */
export interface MediaStore {
  readonly kind: "local" | "s3";
  /** Called once as the server starts, before any upload. */
  prepare(): Promise<void>;
  /** Streams `body` to a new object and resolves to its name once it is complete. */
  write(body: Readable, contentType: string): Promise<string>;
  /** The object's bytes, or the given range of them. */
  read(name: string, range?: ByteRange): Promise<Readable>;
  /** Removes an object; removing one that is gone is not an error. */
  delete(name: string): Promise<void>;
  /** Whether an object exists, for tests and checks. */
  exists(name: string): Promise<boolean>;
  /** Names of every object, for tests and checks. */
  list(): Promise<string[]>;
  /** Resolves when the store answers; rejects otherwise. */
  ping(): Promise<void>;
  close(): Promise<void>;
}
