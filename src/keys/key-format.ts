import { createHash, randomBytes } from "node:crypto";
import { crc32 } from "node:zlib";

/** Every key starts with this, so that a leaked key is recognisable by secret scanners. */
export const KEY_PREFIX = "nftm_";

const ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
/** 32 base-62 characters carry 190 random bits. */
const BODY_LENGTH = 32;
/** 62^6 > 2^32, so six characters hold a CRC-32. */
const CHECKSUM_LENGTH = 6;
const KEY_PATTERN = new RegExp(`^${KEY_PREFIX}[0-9A-Za-z]{${BODY_LENGTH + CHECKSUM_LENGTH}}$`);
/** How much of a key is kept in clear to tell keys apart in lists. */
const SHOWN_LENGTH = KEY_PREFIX.length + 6;

/** A new random key with its checksum. */
export function generateKey(): string {
  let body = "";
  while (body.length < BODY_LENGTH) {
    for (const byte of randomBytes(BODY_LENGTH)) {
      // 248 = 4 × 62: bytes above it are dropped so that every character is equally likely.
      if (byte < 248 && body.length < BODY_LENGTH) body += ALPHABET[byte % 62];
    }
  }
  return KEY_PREFIX + body + checksumOf(KEY_PREFIX + body);
}

/** True when the text has a key's shape and its checksum matches: checked before any lookup. */
export function isWellFormedKey(text: string): boolean {
  if (!KEY_PATTERN.test(text)) return false;
  const cut = text.length - CHECKSUM_LENGTH;
  return checksumOf(text.slice(0, cut)) === text.slice(cut);
}

/** The stored form of a key: keys carry 190 random bits, so a fast hash is enough. */
export function hashKey(key: string): string {
  return createHash("sha256").update(key).digest("hex");
}

/** The part of a key shown in lists. */
export function shownPrefix(key: string): string {
  return key.slice(0, SHOWN_LENGTH);
}

function checksumOf(text: string): string {
  let value = crc32(text);
  let out = "";
  for (let i = 0; i < CHECKSUM_LENGTH; i++) {
    out = ALPHABET[value % 62] + out;
    value = Math.floor(value / 62);
  }
  return out;
}
