import { NextResponse, type NextRequest } from "next/server";

import {
  ACCESS_COOKIE,
  applyCookies,
  CSRF_COOKIE,
  csrfCookie,
  isSecureRequest,
  REFRESH_COOKIE,
  sessionCookies,
} from "@/lib/session/cookies";
import { newCsrfToken } from "@/lib/session/csrf";
import { gatePage, RENEW_PATH, renewedCookies, rewriteCookieHeader } from "@/lib/session/gate";
import { refresher } from "@/lib/session/upstream";

export const PATH_HEADER = "x-icop-path";

function isPrefetch(request: NextRequest): boolean {
  return (
    request.headers.has("next-router-prefetch") ||
    request.headers.get("purpose") === "prefetch" ||
    (request.headers.get("sec-purpose") ?? "").includes("prefetch")
  );
}

/** The renew route on the browser's own host: a rewrite, not a redirect, because Next.js
 * rewrites a middleware redirect to 127.0.0.1 into one to localhost, another cookie jar. */
function toRenewRoute(request: NextRequest, next: string, headers: Headers): NextResponse {
  const target = new URL(RENEW_PATH, request.url);
  target.searchParams.set("next", next);
  return NextResponse.rewrite(target, { request: { headers } });
}

/** Pages need a session: none → the login page; a lapsed access token with a live refresh
 * token → renewed here, and the page renders with the new one (src/lib/session/gate.ts). Every
 * page also gets the CSRF cookie that its forms echo in a header. */
export async function middleware(request: NextRequest): Promise<NextResponse> {
  const { pathname, search } = request.nextUrl;
  const secure = isSecureRequest(request.url, request.headers);
  const decision = await gatePage(
    {
      pathname,
      search,
      accessToken: request.cookies.get(ACCESS_COOKIE)?.value,
      refreshToken: request.cookies.get(REFRESH_COOKIE)?.value,
      prefetch: isPrefetch(request),
    },
    refresher(),
  );

  const headers = new Headers(request.headers);
  headers.set(PATH_HEADER, `${pathname}${search}`);
  let response: NextResponse;
  switch (decision.kind) {
    case "pass":
      response = NextResponse.next({ request: { headers } });
      break;
    case "empty":
      response = new NextResponse(null, { status: 204 });
      break;
    case "renewed":
      headers.set("cookie", rewriteCookieHeader(request.headers.get("cookie"), renewedCookies(decision.pair)));
      response = NextResponse.next({ request: { headers } });
      applyCookies(response, sessionCookies(decision.pair, secure));
      break;
    case "login":
      if (decision.ended) {
        // The API refused the token: the renew route must not present it again.
        headers.set("cookie", rewriteCookieHeader(request.headers.get("cookie"), { [REFRESH_COOKIE]: null }));
      }
      response = toRenewRoute(request, decision.next, headers);
      break;
    case "retry":
      response = toRenewRoute(request, decision.next, headers);
      break;
  }
  if (!request.cookies.has(CSRF_COOKIE)) {
    applyCookies(response, [csrfCookie(newCsrfToken(), secure)]);
  }
  return response;
}

export const config = {
  // Node.js, not the edge sandbox: the refresh must share the server process's coalescing
  // with the route handlers (src/lib/session/upstream.ts), or a page and a concurrent API
  // call would present the same refresh token twice and end the session.
  runtime: "nodejs",
  // The public blog (/blog/…) needs no session and sets no cookie.
  matcher: ["/((?!_next/|bff/|api/|blog/|docs|favicon.ico|robots.txt).*)"],
};
