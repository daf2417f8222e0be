/**
 * CSRF defence for every unsafe request that the session cookies would authorise: the
 * request must come from our own origin (Origin, or Referer when a browser omits Origin) and
 * carry the CSRF cookie's value in a header (double submit). SameSite=Lax already keeps the
 * cookies off cross-site POSTs in current browsers; this holds where it does not (same-site
 * sibling hosts, older browsers).
 */

import { CSRF_HEADER } from "./cookies";

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

export type CsrfVerdict = { ok: true } | { ok: false; reason: string };

export function isSafeMethod(method: string): boolean {
  return SAFE_METHODS.has(method.toUpperCase());
}

export function newCsrfToken(): string {
  const bytes = new Uint8Array(32);
  crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

/** The origin the browser sees us at: the proxy's forwarded host and scheme when there is
 * one (nginx in production), else the Host header. */
export function ownOrigin(url: string, headers: Headers): string {
  const parsed = new URL(url);
  const host = headers.get("x-forwarded-host")?.split(",")[0]?.trim() || headers.get("host") || parsed.host;
  const proto =
    headers.get("x-forwarded-proto")?.split(",")[0]?.trim() || parsed.protocol.replace(":", "");
  return `${proto}://${host}`.toLowerCase();
}

function requestOrigin(headers: Headers): string | null {
  const origin = headers.get("origin");
  if (origin && origin !== "null") return origin.toLowerCase();
  const referer = headers.get("referer");
  if (!referer) return null;
  try {
    return new URL(referer).origin.toLowerCase();
  } catch {
    return null;
  }
}

function sameToken(a: string, b: string): boolean {
  // Constant time over the shorter length: the comparison must not leak a prefix match.
  if (a.length !== b.length) return false;
  let difference = 0;
  for (let i = 0; i < a.length; i += 1) difference |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return difference === 0;
}

export interface CsrfInput {
  method: string;
  url: string;
  headers: Headers;
  csrfCookie: string | undefined;
  /** Extra origins allowed to call us (ICOP_WEB_ALLOWED_ORIGINS), e.g. a second host name. */
  allowedOrigins?: string[];
}

export function checkCsrf(input: CsrfInput): CsrfVerdict {
  if (isSafeMethod(input.method)) return { ok: true };
  const origin = requestOrigin(input.headers);
  if (origin === null) return { ok: false, reason: "the request names no origin" };
  const allowed = [ownOrigin(input.url, input.headers), ...(input.allowedOrigins ?? [])].map((o) =>
    o.toLowerCase(),
  );
  if (!allowed.includes(origin)) return { ok: false, reason: `origin ${origin} is not this site` };
  const header = input.headers.get(CSRF_HEADER);
  if (!input.csrfCookie || !header) return { ok: false, reason: "the CSRF token is missing" };
  if (!sameToken(input.csrfCookie, header)) return { ok: false, reason: "the CSRF token does not match" };
  return { ok: true };
}

export function allowedOriginsFromEnv(env: Record<string, string | undefined> = process.env): string[] {
  return (env.ICOP_WEB_ALLOWED_ORIGINS ?? "")
    .split(",")
    .map((o) => o.trim())
    .filter(Boolean);
}
