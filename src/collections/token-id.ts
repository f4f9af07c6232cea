/** 2^256 - 1: the largest token id a uint256 holds. */
export const UINT256_MAX = (1n << 256n) - 1n;
const KEY_DIGITS = 78;

/**
 * The canonical decimal form of a uint256 token id written in decimal ("0001" is token 1), or
 * undefined when the text is not one.
 */
export function parseDecimalTokenId(text: string): string | undefined {
  if (!/^[0-9]{1,78}$/.test(text)) return undefined;
  const value = BigInt(text);
  return value <= UINT256_MAX ? value.toString() : undefined;
}

/** ERC-1155 clients substitute `{id}` with 64 lowercase hex digits; uppercase is read as well. */
export function parseHexTokenId(text: string): string | undefined {
  if (!/^[0-9a-fA-F]{64}$/.test(text)) return undefined;
  return BigInt(`0x${text}`).toString();
}

export function toHexTokenId(tokenId: string): string {
  return BigInt(tokenId).toString(16).padStart(64, "0");
}

/** The token id padded so that text order is numeric order, on every database. */
export function tokenKey(tokenId: string): string {
  return tokenId.padStart(KEY_DIGITS, "0");
}
