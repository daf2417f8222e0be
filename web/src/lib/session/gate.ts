/**
 * What the middleware does with a page request, decided without Next.js so that it can be
 * tested: pages need a session, and a lapsed access token is renewed right here, in the
 * request that found it lapsed, so that the render of that same request already has the new
 * token. There is no redirect for a renewal (a redirect from the middleware to our own
 * origin is rewritten by Next.js to `localhost` when the browser used `127.0.0.1`, whose
 * cookies the browser then does not send — that lost the session), and no second place that
 * refreshes a page's token (two refreshes of one token end the session).
 */

import { ACCESS_COOKIE, REFRESH_COOKIE, type TokenPair } from "./cookies";

/** Pages anyone may open: logging in, and the account links that e-mails carry. */
export const PUBLIC_PATHS = ["/login", "/signup", "/forgot-password", "/reset-password", "/verify-email"];
/** The route handler that sends a browser without a session to the login page. */
export const RENEW_PATH = "/bff/session/renew";

export interface PageRequest {
  pathname: string;
  search: string;
  accessToken?: string;
  refreshToken?: string;
  /** A background prefetch (Next's router, the browser's speculation rules). */
  prefetch: boolean;
}

export type GateDecision =
  /** Render the page with the cookies it came with. */
  | { kind: "pass" }
  /** A prefetch without a live access token: an empty answer, no refresh behind the page's
   * back (the navigation that follows renews the session itself). */
  | { kind: "empty" }
  /** Renewed: set these tokens as cookies and render with the new access token. */
  | { kind: "renewed"; pair: TokenPair }
  /** No session (none, or the API refused its refresh token): to the login page, by way of
   * the renew route, which answers with a redirect on the browser's own host and clears the
   * cookies. `ended` says the refresh token must not reach that route again. */
  | { kind: "login"; next: string; ended: boolean }
  /** The API did not answer the refresh: the renew route tries again and shows the error. */
  | { kind: "retry"; next: string };

export function isPublicPath(pathname: string): boolean {
  return PUBLIC_PATHS.some((path) => pathname === path || pathname.startsWith(`${path}/`));
}

export async function gatePage(
  request: PageRequest,
  refresh: (refreshToken: string) => Promise<TokenPair | null>,
): Promise<GateDecision> {
  if (isPublicPath(request.pathname) || request.accessToken) return { kind: "pass" };
  const next = `${request.pathname}${request.search}`;
  if (request.prefetch) return { kind: "empty" };
  if (!request.refreshToken) return { kind: "login", next, ended: false };
  let pair: TokenPair | null;
  try {
    pair = await refresh(request.refreshToken);
  } catch {
    return { kind: "retry", next };
  }
  return pair ? { kind: "renewed", pair } : { kind: "login", next, ended: true };
}

/** A `Cookie` request header with some cookies replaced (or, with `null`, removed), so that
 * the render of this request reads what the browser will send from now on. */
export function rewriteCookieHeader(header: string | null, changes: Record<string, string | null>): string {
  const kept = (header ?? "")
    .split(";")
    .map((part) => part.trim())
    .filter((part) => part && !(part.split("=", 1)[0]! in changes));
  for (const [name, value] of Object.entries(changes)) {
    if (value !== null) kept.push(`${name}=${value}`);
  }
  return kept.join("; ");
}

export function renewedCookies(pair: TokenPair): Record<string, string> {
  return { [ACCESS_COOKIE]: pair.access_token, [REFRESH_COOKIE]: pair.refresh_token };
}
