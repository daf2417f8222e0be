import { NextResponse, type NextRequest } from "next/server";

import { REFRESH_COOKIE } from "@/lib/session/cookies";
import { ownOrigin } from "@/lib/session/csrf";
import { endSession, safeNext, startSession, unreachable } from "@/lib/session/http";
import { refresher } from "@/lib/session/upstream";

/** Pages land here when a session cannot be renewed in place: a page whose render met a 401
 * (its token died before its cookie: a logout elsewhere, new keys), or, rewritten here by the
 * middleware, a request without a session or with a refused or unanswered refresh. A new pair is
 * set and the browser goes back where it was; without one, to the login page. Its redirects
 * name the browser's own host (a middleware redirect would say localhost for 127.0.0.1).
 * A GET on purpose: it is a navigation, and it discloses nothing to a cross-site caller. */
export async function GET(request: NextRequest): Promise<NextResponse> {
  const next = safeNext(request.nextUrl.searchParams.get("next"));
  const refresh = request.cookies.get(REFRESH_COOKIE)?.value;
  let pair = null;
  if (refresh) {
    try {
      pair = await refresher()(refresh);
    } catch {
      return unreachable();
    }
  }
  const origin = ownOrigin(request.url, request.headers);
  if (!pair) {
    const login = new URL("/login", origin);
    login.searchParams.set("next", next);
    return endSession(NextResponse.redirect(login, 303), request);
  }
  return startSession(NextResponse.redirect(new URL(next, origin), 303), request, pair);
}
