import { existsSync, readdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { REPO_ROOT, runCli } from "./service.mjs";

export const COLLECTION = "bench";
const DECIMAL_NAME = /^([0-9]+)(\.json)?$/;

/** The published collection when the shared fixtures are there, else the sample in the repo. */
export function fixtureDir() {
  const shared =
    process.env.SHARED_FIXTURES_DIR ?? join(REPO_ROOT, "..", "shared", "fixtures", "collections");
  const published = resolve(shared, "cryptodads");
  if (existsSync(published)) return published;
  return join(REPO_ROOT, "test", "fixtures", "filthy-peasants");
}

/** A key that may read and is never limited during a run, and the fixture imported as public. */
export async function prepareData(env, dir) {
  const keyLine = await runCli(env, [
    "keys",
    "create",
    "--name",
    "bench",
    "--scopes",
    "metadata:read",
    "--rate-limit",
    "100000000",
    "--json",
  ]);
  const { key, id: keyId } = JSON.parse(keyLine);
  const args = ["import", dir, "--collection", COLLECTION, "--public", "--json"];
  const report = JSON.parse(await runCli(env, args));
  const tokenId = process.env.BENCH_TOKEN_ID ?? middleToken(dir, report.skipped);
  return { key, keyId, report, tokenId };
}

/** The median token by number among the files imported: the same pick on every run. */
function middleToken(dir, skipped) {
  const left = new Set(skipped.map((s) => s.source));
  const ids = readdirSync(dir)
    .filter((name) => !left.has(name))
    .map((name) => DECIMAL_NAME.exec(name)?.[1])
    .filter((id) => id !== undefined)
    .map((id) => BigInt(id))
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  if (ids.length === 0) throw new Error(`no decimal-named token was imported from ${dir}`);
  return ids[Math.floor(ids.length / 2)].toString();
}

/** The id under which the service stores the token's document. */
export async function metadataIdOf(serviceUrl, key, tokenId) {
  const url = `${serviceUrl}/api/collections/${COLLECTION}/tokens/${tokenId}`;
  const res = await fetch(url, { headers: apiHeaders(key) });
  const body = await res.text();
  if (res.status !== 200) throw new Error(`GET ${url} answered ${res.status}: ${body}`);
  return JSON.parse(body).data.id;
}

export function apiHeaders(key) {
  return { authorization: `Bearer ${key}`, "x-api-version": "v1" };
}

/** The exact bytes a target answers, checked to be a 200, for the bare server to copy. */
export async function answerOf(url, headers) {
  const res = await fetch(url, { headers });
  const body = Buffer.from(await res.arrayBuffer());
  if (res.status !== 200) throw new Error(`GET ${url} answered ${res.status}: ${body}`);
  return body;
}
