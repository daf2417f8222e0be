import { NextResponse, type NextRequest } from "next/server";

import {
  ACCESS_COOKIE,
  applyCookies,
  CSRF_COOKIE,
  csrfCookie,
  isSecureRequest,
  REFRESH_COOKIE,
} from "@/lib/session/cookies";
import { newCsrfToken, ownOrigin } from "@/lib/session/csrf";

const PUBLIC_PATHS = ["/login", "/signup"];
export const PATH_HEADER = "x-icop-path";

function isPrefetch(request: NextRequest): boolean {
  return (
    request.headers.has("next-router-prefetch") ||
    request.headers.get("purpose") === "prefetch" ||
    (request.headers.get("sec-purpose") ?? "").includes("prefetch")
  );
}

/** Pages need a session: none → the login page; a lapsed access token with a live refresh
 * token → /bff/session/renew, which comes straight back. Every page also gets the CSRF
 * cookie that its forms echo in a header. */
export function middleware(request: NextRequest): NextResponse {
  const { pathname, search } = request.nextUrl;
  const here = `${pathname}${search}`;
  const isPublic = PUBLIC_PATHS.some((path) => pathname === path || pathname.startsWith(`${path}/`));
  const hasAccess = request.cookies.has(ACCESS_COOKIE);
  const hasRefresh = request.cookies.has(REFRESH_COOKIE);

  let response: NextResponse;
  if (!isPublic && !hasAccess && isPrefetch(request)) {
    // A background prefetch must not rotate the refresh token behind the page's back (the
    // navigation that follows renews the session itself): it just gets nothing.
    response = new NextResponse(null, { status: 204 });
  } else if (!isPublic && !hasAccess) {
    // On the origin the browser used (its Host), not the one Next.js assumes (localhost):
    // the cookies belong to the former.
    const target = new URL(hasRefresh ? "/bff/session/renew" : "/login", ownOrigin(request.url, request.headers));
    target.searchParams.set("next", here);
    response = NextResponse.redirect(target, 307);
  } else {
    const headers = new Headers(request.headers);
    headers.set(PATH_HEADER, here);
    response = NextResponse.next({ request: { headers } });
  }
  if (!request.cookies.has(CSRF_COOKIE)) {
    applyCookies(response, [csrfCookie(newCsrfToken(), isSecureRequest(request.url, request.headers))]);
  }
  return response;
}

export const config = {
  matcher: ["/((?!_next/|bff/|api/|docs|favicon.ico|robots.txt).*)"],
};
