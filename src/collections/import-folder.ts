import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { JsonInputError, parseJsonBytes, rawJsonOf } from "../json/raw-json.js";
import type { ImportItem, ImportSkip } from "./import.js";
import type { Standard } from "./service.js";
import { parseDecimalTokenId, parseHexTokenId } from "./token-id.js";

export interface FolderScan {
  items: ImportItem[];
  skipped: ImportSkip[];
  /** erc1155 when every token file is named with 64 hex digits, the ERC-1155 `{id}` form. */
  detectedStandard: Standard;
}

const HEX_NAME = /^([0-9a-fA-F]{64})(\.json)?$/;
const DECIMAL_NAME = /^([0-9]+)(\.json)?$/;

/**
 * Reads a generated collection: `1`, `1.json`, `0001.json`, or 64-hex names (ERC-1155). Anything
 * else is reported as skipped with its reason, never imported as a token.
 */
export async function scanFolder(dir: string, standard?: Standard): Promise<FolderScan> {
  const entries = await readdir(dir, { withFileTypes: true });
  const skipped: ImportSkip[] = [];
  const files: string[] = [];
  for (const entry of entries) {
    const reason = skipReason(entry.name, entry.isFile());
    if (reason) skipped.push({ source: entry.name, reason });
    else files.push(entry.name);
  }
  const allHex = files.length > 0 && files.every((f) => HEX_NAME.test(f));
  const detectedStandard: Standard = standard ?? (allHex ? "erc1155" : "erc721");
  const hexNames = allHex && detectedStandard === "erc1155";

  const items: ImportItem[] = [];
  for (const name of files.sort(byNumber)) {
    const tokenId = hexNames
      ? parseHexTokenId(stripJson(name))
      : parseDecimalTokenId(stripJson(name));
    if (tokenId === undefined) {
      skipped.push({ source: name, reason: "name is not a token id (uint256)" });
      continue;
    }
    const item = await readItem(dir, name, tokenId);
    if ("reason" in item) skipped.push(item);
    else items.push(item);
  }
  return { items, skipped, detectedStandard };
}

function skipReason(name: string, isFile: boolean): string | undefined {
  if (!isFile) return "not a file";
  if (name === "_metadata.json") {
    return "generator summary (_metadata.json), not a token: its entries are the token files";
  }
  if (name.startsWith(".")) return "hidden file";
  if (!HEX_NAME.test(name) && !DECIMAL_NAME.test(name)) return "name is not a token id";
  return undefined;
}

async function readItem(
  dir: string,
  name: string,
  tokenId: string,
): Promise<ImportItem | ImportSkip> {
  try {
    const value = parseJsonBytes(await readFile(join(dir, name)));
    const raw = rawJsonOf(value);
    if (raw === undefined || Array.isArray(value)) {
      return { source: name, tokenId, reason: "not a JSON object" };
    }
    return { source: name, tokenId, value, raw };
  } catch (error) {
    if (!(error instanceof JsonInputError)) throw error;
    return {
      source: name,
      tokenId,
      reason: "not valid JSON",
      details: error.details,
    };
  }
}

function stripJson(name: string): string {
  return name.endsWith(".json") ? name.slice(0, -5) : name;
}

function byNumber(a: string, b: string): number {
  return a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);
}
