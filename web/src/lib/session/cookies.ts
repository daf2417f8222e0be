/**
 * The dashboard's session lives in three cookies. The two tokens are httpOnly, so no script
 * in the page (ours or an injected one) can read them; the CSRF token is readable on purpose:
 * the page copies it into a header, which a cross-site form or fetch cannot do.
 */

export const ACCESS_COOKIE = "icop_access";
export const REFRESH_COOKIE = "icop_refresh";
export const CSRF_COOKIE = "icop_csrf";
export const CSRF_HEADER = "x-csrf-token";

/** Expire the access cookie this long before the token does, so that a request never
 * carries a token that dies on its way to the API. */
const ACCESS_MARGIN_S = 30;
const DEFAULT_REFRESH_TTL_S = 30 * 24 * 3600;

export interface TokenPair {
  tenant_id: string;
  user_id: string;
  access_token: string;
  refresh_token: string;
  token_type: "bearer";
  expires_in: number;
}

export interface CookieOptions {
  httpOnly: boolean;
  secure: boolean;
  sameSite: "lax";
  path: string;
  maxAge: number;
}

export interface CookieSpec {
  name: string;
  value: string;
  options: CookieOptions;
}

/** Cookies are `Secure` when the browser reached us over https, directly or through a proxy
 * that says so; on plain http (the local default) a Secure cookie would never come back. */
export function isSecureRequest(url: string, headers: Headers): boolean {
  const forwarded = headers.get("x-forwarded-proto")?.split(",")[0]?.trim().toLowerCase();
  if (forwarded) return forwarded === "https";
  return new URL(url).protocol === "https:";
}

export function refreshTtlSeconds(env: Record<string, string | undefined> = process.env): number {
  const configured = Number(env.ICOP_REFRESH_TOKEN_TTL_S);
  return Number.isFinite(configured) && configured > 0 ? configured : DEFAULT_REFRESH_TTL_S;
}

function options(secure: boolean, httpOnly: boolean, maxAge: number): CookieOptions {
  return { httpOnly, secure, sameSite: "lax", path: "/", maxAge };
}

export function sessionCookies(
  pair: TokenPair,
  secure: boolean,
  refreshTtlS: number = refreshTtlSeconds(),
): CookieSpec[] {
  return [
    {
      name: ACCESS_COOKIE,
      value: pair.access_token,
      options: options(secure, true, Math.max(pair.expires_in - ACCESS_MARGIN_S, 1)),
    },
    { name: REFRESH_COOKIE, value: pair.refresh_token, options: options(secure, true, refreshTtlS) },
  ];
}

export function clearedSessionCookies(secure: boolean): CookieSpec[] {
  return [ACCESS_COOKIE, REFRESH_COOKIE].map((name) => ({
    name,
    value: "",
    options: options(secure, true, 0),
  }));
}

export function csrfCookie(token: string, secure: boolean): CookieSpec {
  // Readable by the page (httpOnly false): the double-submit needs it; it grants nothing alone.
  return { name: CSRF_COOKIE, value: token, options: options(secure, false, 365 * 24 * 3600) };
}

/** Anything with a `cookies.set` (NextResponse, the cookie store of a route handler). */
export interface CookieSink {
  cookies: { set(name: string, value: string, options: CookieOptions): unknown };
}

export function applyCookies(target: CookieSink, specs: CookieSpec[]): void {
  for (const spec of specs) target.cookies.set(spec.name, spec.value, spec.options);
}
