/** Every scope a key can hold. Write does not imply read: a write-only key is a documented use. */
export const SCOPES = [
  "metadata:read",
  "metadata:write",
  "media:read",
  "media:write",
  "keys:manage",
  "audit:read",
] as const;

export type Scope = (typeof SCOPES)[number];

export function isScope(value: string): value is Scope {
  return (SCOPES as readonly string[]).includes(value);
}

/** Splits a space- or comma-separated list; returns the unknown names separately. */
export function parseScopes(text: string): { scopes: Scope[]; unknown: string[] } {
  const names = [...new Set(text.split(/[\s,]+/).filter(Boolean))];
  return {
    scopes: names.filter(isScope),
    unknown: names.filter((n) => !isScope(n)),
  };
}
