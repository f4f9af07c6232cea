import { appendFileSync, createWriteStream, mkdirSync, type WriteStream } from "node:fs";
import { join } from "node:path";
import { REPO_ROOT } from "./paths.js";

/**
 * Where a test run keeps what it observed: every log line the services wrote, and every key it
 * created, so that the run can prove at its end that no key reached any log.
 */
export const OUTPUT_DIR = join(REPO_ROOT, "test-output");
export const LOG_DIR = join(OUTPUT_DIR, "logs");
export const KEYS_FILE = join(OUTPUT_DIR, "keys.txt");

let files = 0;

/** A new log file for one service instance or command. */
export function logStream(name: string): WriteStream {
  mkdirSync(LOG_DIR, { recursive: true });
  files++;
  return createWriteStream(join(LOG_DIR, `${name}-${process.pid}-${files}.log`), { flags: "a" });
}

export function appendLog(name: string, text: string): void {
  mkdirSync(LOG_DIR, { recursive: true });
  appendFileSync(join(LOG_DIR, `${name}-${process.pid}.log`), text);
}

/** Remembers a key that the run created. */
export function rememberKey(key: string): void {
  mkdirSync(OUTPUT_DIR, { recursive: true });
  appendFileSync(KEYS_FILE, `${key}\n`);
}
