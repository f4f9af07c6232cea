import { createHash } from "node:crypto";

/**
 * The CIDv1 that `ipfs add --cid-version 1` gives a file: raw leaves of 256 KiB, joined by a
 * balanced tree of UnixFS dag-pb nodes with at most 174 links each (kubo's defaults).
 */
export const CHUNK_BYTES = 256 * 1024;
const MAX_LINKS = 174;

// Multiformats codes (https://github.com/multiformats/multicodec/blob/master/table.csv).
const CID_V1 = 0x01;
const RAW = 0x55;
const DAG_PB = 0x70;
const SHA2_256 = 0x12;
const UNIXFS_FILE = 2;

interface Node {
  cid: Buffer;
  /** Bytes of file content below this node. */
  fileSize: number;
  /** The link's Tsize: this block and every block below it. */
  treeSize: number;
}

/** Builds the CID of a stream of bytes as they arrive, keeping one chunk in memory at most. */
export class CidBuilder {
  private readonly leaves: Node[] = [];
  private pending: Buffer[] = [];
  private pendingBytes = 0;

  update(data: Buffer): void {
    let rest = data;
    while (this.pendingBytes + rest.length >= CHUNK_BYTES) {
      const take = CHUNK_BYTES - this.pendingBytes;
      this.pending.push(rest.subarray(0, take));
      this.flushLeaf();
      rest = rest.subarray(take);
    }
    if (rest.length > 0) {
      this.pending.push(rest);
      this.pendingBytes += rest.length;
    }
  }

  /** The CID in base32 (multibase prefix "b"), as kubo prints it. */
  digest(): string {
    if (this.pendingBytes > 0 || this.leaves.length === 0) this.flushLeaf();
    let layer = this.leaves;
    while (layer.length > 1) layer = groupLayer(layer);
    const [root] = layer;
    if (!root) throw new Error("a file always has a root");
    return `b${base32(root.cid)}`;
  }

  private flushLeaf(): void {
    const chunk = Buffer.concat(this.pending);
    this.leaves.push({ cid: cidOf(RAW, chunk), fileSize: chunk.length, treeSize: chunk.length });
    this.pending = [];
    this.pendingBytes = 0;
  }
}

/** The CID of bytes already in memory. */
export function cidOfBytes(data: Buffer): string {
  const builder = new CidBuilder();
  builder.update(data);
  return builder.digest();
}

function groupLayer(children: Node[]): Node[] {
  const parents: Node[] = [];
  for (let i = 0; i < children.length; i += MAX_LINKS) {
    parents.push(fileNode(children.slice(i, i + MAX_LINKS)));
  }
  return parents;
}

function fileNode(children: Node[]): Node {
  const fileSize = children.reduce((sum, c) => sum + c.fileSize, 0);
  const data = unixfsFileData(
    fileSize,
    children.map((c) => c.fileSize),
  );
  // dag-pb writes Links (field 2) before Data (field 1): https://ipld.io/specs/codecs/dag-pb/spec/
  const links = children.map((c) => field(2, pbLink(c.cid, c.treeSize)));
  const block = Buffer.concat([...links, field(1, data)]);
  const treeSize = children.reduce((sum, c) => sum + c.treeSize, block.length);
  return { cid: cidOf(DAG_PB, block), fileSize, treeSize };
}

function pbLink(cid: Buffer, treeSize: number): Buffer {
  // Hash (1), an empty Name (2) as kubo writes it, Tsize (3).
  return Buffer.concat([field(1, cid), field(2, Buffer.alloc(0)), varintField(3, treeSize)]);
}

/** UnixFS Data: Type (1), filesize (3), blocksizes (4, repeated, not packed). */
function unixfsFileData(fileSize: number, blockSizes: number[]): Buffer {
  return Buffer.concat([
    varintField(1, UNIXFS_FILE),
    varintField(3, fileSize),
    ...blockSizes.map((size) => varintField(4, size)),
  ]);
}

function cidOf(codec: number, block: Buffer): Buffer {
  const hash = createHash("sha256").update(block).digest();
  return Buffer.concat([
    varint(CID_V1),
    varint(codec),
    varint(SHA2_256),
    varint(hash.length),
    hash,
  ]);
}

function field(number: number, bytes: Buffer): Buffer {
  return Buffer.concat([varint((number << 3) | 2), varint(bytes.length), bytes]);
}

function varintField(number: number, value: number): Buffer {
  return Buffer.concat([varint(number << 3), varint(value)]);
}

function varint(value: number): Buffer {
  const bytes: number[] = [];
  let rest = value;
  while (rest >= 0x80) {
    bytes.push((rest % 0x80) | 0x80);
    rest = Math.floor(rest / 0x80);
  }
  bytes.push(rest);
  return Buffer.from(bytes);
}

const BASE32 = "abcdefghijklmnopqrstuvwxyz234567";

/** RFC 4648 base32, lower case, no padding (multibase "b"). */
function base32(bytes: Buffer): string {
  let out = "";
  let bits = 0;
  let value = 0;
  for (const byte of bytes) {
    value = ((value << 8) | byte) & 0xffff;
    bits += 8;
    while (bits >= 5) {
      out += BASE32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += BASE32[(value << (5 - bits)) & 31];
  return out;
}
