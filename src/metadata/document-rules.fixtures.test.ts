import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { minifyJson, parseJsonText, rawJsonOf } from "../json/raw-json.js";
import { checkDocument } from "./document-rules.js";

// Real published collections, kept outside the repo; see SOURCE.txt in each folder.
const REPO_ROOT = fileURLToPath(new URL("../../", import.meta.url));
const COLLECTIONS = resolve(
  REPO_ROOT,
  process.env.SHARED_FIXTURES_DIR ?? "../shared/fixtures/collections",
);
const PRESENT = existsSync(COLLECTIONS);
// Every 25th cryptodads token (400 of the 10,000), plus the quirky ones its SOURCE.txt names:
// a \u20bf name, an apostrophe in a trait type, an https image pinned to a commit.
const CRYPTODADS_STEP = 25;
const CRYPTODADS_NOTABLE = new Set(["5790", "1552", "416"]);

function tokenFiles(collection: string, pick: (name: string) => boolean): string[] {
  const folder = join(COLLECTIONS, collection);
  return readdirSync(folder)
    .filter(pick)
    .map((name) => join(folder, name));
}

function expectAcceptable(file: string): void {
  const text = readFileSync(file, "utf8");
  const doc = parseJsonText(text);

  expect(checkDocument(doc), file).toEqual([]);
  expect(rawJsonOf(doc), file).toBe(minifyJson(text));
}

// Locally the folder may be absent; in CI its absence must fail rather than skip.
describe.skipIf(!PRESENT && !process.env.CI)("published metadata gives no violations", () => {
  it("finds the shared fixtures folder", () => {
    expect(existsSync(COLLECTIONS), `SHARED_FIXTURES_DIR=${COLLECTIONS}`).toBe(true);
  });

  it.skipIf(!PRESENT)("filthy-peasants: every token file", () => {
    const files = tokenFiles("filthy-peasants", (name) => /^\d+\.json$/.test(name));

    expect(files).toHaveLength(333);
    for (const file of files) expectAcceptable(file);
  });

  it.skipIf(!PRESENT)("crypto-poker-cards: every token file", () => {
    const files = tokenFiles("crypto-poker-cards", (name) => /^[0-9a-f]{64}\.json$/.test(name));

    expect(files).toHaveLength(55);
    for (const file of files) expectAcceptable(file);
  });

  it.skipIf(!PRESENT)("cryptodads: a sample of the extensionless token files", () => {
    const sampled = (name: string) =>
      Number(name) % CRYPTODADS_STEP === 0 || CRYPTODADS_NOTABLE.has(name);
    const files = tokenFiles("cryptodads", (name) => /^\d+$/.test(name) && sampled(name));

    expect(files).toHaveLength(403);
    for (const file of files) expectAcceptable(file);
  });
});
