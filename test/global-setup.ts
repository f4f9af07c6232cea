import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { KEYS_FILE, LOG_DIR, OUTPUT_DIR } from "./run-output.js";

/** The CLI and end-to-end tests run the built service, so build it once before any test. */
export function setup(): void {
  rmSync(LOG_DIR, { recursive: true, force: true });
  rmSync(KEYS_FILE, { force: true });
  execFileSync("npm", ["run", "build", "--silent"], { stdio: "inherit" });
}

/** What to look for: the random part of a key is enough to count; other secrets whole. */
function needleOf(secret: string): string {
  return secret.startsWith("nftm_") ? secret.slice(5, 30) : secret;
}

/** Fails the run if any key the tests created appears in any log the services wrote. */
export function teardown(): void {
  if (!existsSync(KEYS_FILE) || !existsSync(LOG_DIR)) return;
  const keys = readFileSync(KEYS_FILE, "utf8")
    .split("\n")
    .filter((k) => k.length >= 12);
  const leaks: string[] = [];
  for (const file of readdirSync(LOG_DIR)) {
    const text = readFileSync(join(LOG_DIR, file), "utf8");
    const found = keys.filter((k) => text.includes(needleOf(k)));
    if (found.length > 0) leaks.push(`${file}: ${found.length} key(s)`);
  }
  if (leaks.length > 0) {
    throw new Error(`keys appear in logs under ${OUTPUT_DIR}:\n${leaks.join("\n")}`);
  }
  console.log(`no key of ${keys.length} appears in ${readdirSync(LOG_DIR).length} log files`);
}
