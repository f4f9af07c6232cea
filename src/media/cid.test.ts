import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { CHUNK_BYTES, CidBuilder, cidOfBytes } from "./cid.js";

/** Deterministic bytes: SHA-256 of "nftmeta:<n>" for n = 0, 1, 2, … laid end to end. */
function deterministic(size: number): Buffer {
  const out = Buffer.alloc(size);
  for (let offset = 0, n = 0; offset < size; offset += 32, n++) {
    createHash("sha256").update(`nftmeta:${n}`).digest().copy(out, offset);
  }
  return out;
}

// Values computed by ipfs-unixfs-importer 16 with { cidVersion: 1, rawLeaves: true }, whose
// defaults (256 KiB fixed chunks, balanced layout, 174 links per node) are kubo's for
// `ipfs add --cid-version 1`; the empty file's CID is the one kubo prints.
const KNOWN: [string, number, string][] = [
  ["empty file", 0, "bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku"],
  ["small file", 11, "bafkreidqzysitet5clzhlwppw3llrvgyl3at4r6kgv2kbzdhb3fw4ooeue"],
  ["exactly one chunk", CHUNK_BYTES, "bafkreifixcbpj4gmqs22m3mnpj7c5tmxmfofwlnnuohxzjp3pjrwm5bg2a"],
  [
    "one byte over a chunk",
    CHUNK_BYTES + 1,
    "bafybeifpxu7i2pzqw7xdwyvxk3bt2noyyxloojc2gnhj7l5avhz3f7anyi",
  ],
  [
    "three chunks and a tail",
    CHUNK_BYTES * 3 + 5,
    "bafybeibtyhwlmt6vcoqcszo2ze5wo5vuc2vyxodtbl5xlid7uunxtzuxny",
  ],
  [
    "a full node of 174 leaves",
    CHUNK_BYTES * 174,
    "bafybeia76rjpezvny7elkxmcpsgcv4yn6ht6wihqpvuzjanks5e3andwwe",
  ],
  [
    "two levels",
    CHUNK_BYTES * 200 + 7,
    "bafybeicy6llehoc7m7itfu7qdqzvun5rq4eire63pptzaxrbgw4dnko52i",
  ],
];

describe("CIDv1 as ipfs add --cid-version 1 computes it", () => {
  it.each(KNOWN)("%s (%i bytes)", (_name, size, cid) => {
    expect(cidOfBytes(deterministic(size))).toBe(cid);
  });

  it("does not depend on how the bytes arrive", () => {
    const data = deterministic(CHUNK_BYTES * 3 + 5);
    const builder = new CidBuilder();
    for (let offset = 0; offset < data.length; offset += 65_537) {
      builder.update(data.subarray(offset, offset + 65_537));
    }
    expect(builder.digest()).toBe(KNOWN[4]?.[2]);
  });
});
