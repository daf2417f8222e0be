import { NextResponse, type NextRequest } from "next/server";

import {
  applyCookies,
  clearedSessionCookies,
  CSRF_COOKIE,
  isSecureRequest,
  sessionCookies,
  type TokenPair,
} from "./cookies";
import { allowedOriginsFromEnv, checkCsrf } from "./csrf";

const PROBLEM = "application/problem+json";

export function problem(status: number, title: string, detail?: string): NextResponse {
  return NextResponse.json(
    { type: "about:blank", title, status, ...(detail ? { detail } : {}) },
    { status, headers: { "content-type": PROBLEM } },
  );
}

/** The API's own answer (a problem document, usually) passed through unchanged. */
export function passThrough(status: number, body: unknown): NextResponse {
  return NextResponse.json(body, { status, headers: { "content-type": PROBLEM } });
}

/** A 403 problem when the request fails the CSRF checks; null when it may proceed. */
export function csrfDenied(request: NextRequest): NextResponse | null {
  const verdict = checkCsrf({
    method: request.method,
    url: request.url,
    headers: request.headers,
    csrfCookie: request.cookies.get(CSRF_COOKIE)?.value,
    allowedOrigins: allowedOriginsFromEnv(),
  });
  return verdict.ok ? null : problem(403, "Cross-site request refused", verdict.reason);
}

export function secure(request: NextRequest): boolean {
  return isSecureRequest(request.url, request.headers);
}

export function startSession(response: NextResponse, request: NextRequest, pair: TokenPair): NextResponse {
  applyCookies(response, sessionCookies(pair, secure(request)));
  return response;
}

export function endSession(response: NextResponse, request: NextRequest): NextResponse {
  applyCookies(response, clearedSessionCookies(secure(request)));
  return response;
}

export async function readJson(request: NextRequest): Promise<unknown> {
  try {
    return await request.json();
  } catch {
    return null;
  }
}

/** Only a path on this site: never an absolute or protocol-relative URL (open redirect). */
export function safeNext(next: string | null | undefined): string {
  if (!next || !next.startsWith("/") || next.startsWith("//") || next.startsWith("/\\")) return "/";
  return next;
}

/** The API did not answer (down, restarting): a problem the page can show, not a 500. */
export function unreachable(): NextResponse {
  return problem(502, "The API is not reachable", "Try again in a moment.");
}
