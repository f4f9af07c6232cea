/** What the first bytes of a file say it is; the client's name and declared type decide nothing. */

export type MediaKind = "image" | "video" | "audio" | "model";

export interface SniffedType {
  mimeType: string;
  kind: MediaKind;
}

/** Enough bytes to read every signature below, including an ISO BMFF `ftyp` box's brands. */
export const HEAD_BYTES = 256;

const ascii = (head: Buffer, at: number, text: string) =>
  head.length >= at + text.length && head.toString("latin1", at, at + text.length) === text;

const startsWith = (head: Buffer, bytes: number[]) =>
  head.length >= bytes.length && bytes.every((b, i) => head[i] === b);

type Probe = [SniffedType, (head: Buffer) => boolean];

const image = (mimeType: string): SniffedType => ({ mimeType, kind: "image" });

// Order matters only where signatures share a prefix (RIFF, ftyp).
const PROBES: Probe[] = [
  [image("image/png"), (h) => startsWith(h, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])],
  [image("image/jpeg"), (h) => startsWith(h, [0xff, 0xd8, 0xff])],
  [image("image/gif"), (h) => ascii(h, 0, "GIF87a") || ascii(h, 0, "GIF89a")],
  [image("image/webp"), (h) => ascii(h, 0, "RIFF") && ascii(h, 8, "WEBP")],
  [{ mimeType: "audio/wav", kind: "audio" }, (h) => ascii(h, 0, "RIFF") && ascii(h, 8, "WAVE")],
  [image("image/avif"), (h) => ftypBrands(h).some((b) => b === "avif" || b === "avis")],
  [{ mimeType: "video/mp4", kind: "video" }, isMp4],
  [{ mimeType: "video/webm", kind: "video" }, isWebm],
  // glTF 2.0 binary container, version 2 (Khronos glTF 2.0 §4.4.2).
  [{ mimeType: "model/gltf-binary", kind: "model" }, (h) => ascii(h, 0, "glTF") && h[4] === 2],
  [{ mimeType: "audio/ogg", kind: "audio" }, (h) => ascii(h, 0, "OggS")],
  [{ mimeType: "audio/mpeg", kind: "audio" }, (h) => ascii(h, 0, "ID3") || isMpegAudioFrame(h)],
];

/** The type the bytes carry, or undefined when they are none of the accepted formats. */
export function sniffType(head: Buffer): SniffedType | undefined {
  return PROBES.find(([, probe]) => probe(head))?.[0];
}

/** ISO/IEC 14496-12 §4.3: a leading `ftyp` box lists a major brand and compatible brands. */
function ftypBrands(head: Buffer): string[] {
  if (!ascii(head, 4, "ftyp") || head.length < 16) return [];
  const boxEnd = Math.min(head.readUInt32BE(0), head.length);
  const brands = [head.toString("latin1", 8, 12)];
  for (let at = 16; at + 4 <= boxEnd; at += 4) brands.push(head.toString("latin1", at, at + 4));
  return brands;
}

// HEIF stills and QuickTime files also start with ftyp; they are not MP4 video.
const NOT_MP4 = new Set(["heic", "heix", "hevc", "heim", "heis", "mif1", "msf1", "qt  "]);

function isMp4(head: Buffer): boolean {
  const [major] = ftypBrands(head);
  return major !== undefined && !NOT_MP4.has(major);
}

/** An EBML header (RFC 8794) whose DocType is "webm" (Matroska files are not accepted). */
function isWebm(head: Buffer): boolean {
  return startsWith(head, [0x1a, 0x45, 0xdf, 0xa3]) && head.includes("webm", 4, "latin1");
}

/** An MPEG-1/2 audio frame header: sync bits, a defined version, layer, bitrate and rate. */
function isMpegAudioFrame(head: Buffer): boolean {
  const [b0, b1, b2] = head;
  if (b0 !== 0xff || b1 === undefined || b2 === undefined || (b1 & 0xe0) !== 0xe0) return false;
  const version = (b1 >> 3) & 3;
  const layer = (b1 >> 1) & 3;
  const bitrate = b2 >> 4;
  const rate = (b2 >> 2) & 3;
  return version !== 1 && layer !== 0 && bitrate !== 15 && rate !== 3;
}

// Other names clients commonly send for the same formats.
const ALIASES: Record<string, string[]> = {
  "image/jpeg": ["image/jpg", "image/pjpeg"],
  "audio/mpeg": ["audio/mp3", "audio/mpeg3", "audio/x-mpeg"],
  "audio/wav": ["audio/x-wav", "audio/wave", "audio/vnd.wave"],
  "audio/ogg": ["application/ogg", "video/ogg", "audio/vorbis", "audio/opus"],
  "video/mp4": ["audio/mp4", "application/mp4", "video/x-m4v", "audio/x-m4a"],
  "video/webm": ["audio/webm"],
};

/** True when the client's declared type names another format than the bytes (415). */
export function contradicts(declared: string | undefined, sniffed: SniffedType): boolean {
  const type = declared?.split(";")[0]?.trim().toLowerCase();
  // text/plain is what a part without Content-Type is taken to be (RFC 7578 §4.4), so it says
  // nothing; application/octet-stream says only "bytes".
  if (!type || type === "text/plain" || type === "application/octet-stream") return false;
  if (type === sniffed.mimeType) return false;
  return !(ALIASES[sniffed.mimeType] ?? []).includes(type);
}
