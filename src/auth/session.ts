import type { IncomingHttpHeaders } from "node:http";
import type { Auth } from "./auth.js";

/** The administrator a dashboard session belongs to. */
export interface AdminUser {
  id: string;
  email: string;
}

// Better Auth names its cookie `<prefix>.session_token`, with `__Secure-` in front over HTTPS.
const SESSION_COOKIE = /(?:^|;\s*)(?:__Secure-)?nftmeta\.session_token=/;

/** True when the request carries something that looks like a dashboard session cookie. */
export function hasSessionCookie(headers: IncomingHttpHeaders): boolean {
  const cookie = headers.cookie;
  return typeof cookie === "string" && SESSION_COOKIE.test(cookie);
}

/**
 * The administrator whose live session the request's cookie names, or null. The session row is
 * read on every call (no cookie cache), so a revoked session fails on its next request.
 */
export async function adminOf(auth: Auth, headers: IncomingHttpHeaders): Promise<AdminUser | null> {
  const cookie = headers.cookie;
  if (typeof cookie !== "string") return null;
  const found = await auth.api.getSession({
    headers: new Headers({ cookie }),
    query: { disableCookieCache: true, disableRefresh: true },
  });
  if (found?.user.role !== "admin") return null;
  return { id: found.user.id, email: found.user.email };
}
