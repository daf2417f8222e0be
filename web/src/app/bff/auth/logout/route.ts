import { NextResponse, type NextRequest } from "next/server";

import { ACCESS_COOKIE, REFRESH_COOKIE } from "@/lib/session/cookies";
import { csrfDenied, endSession } from "@/lib/session/http";
import { postAuth, refresher } from "@/lib/session/upstream";

/** Revoke the session at the API (its refresh and access tokens stop working), then clear
 * the cookies whatever the API said: the browser is logged out either way. */
export async function POST(request: NextRequest): Promise<NextResponse> {
  const denied = csrfDenied(request);
  if (denied) return denied;
  let access = request.cookies.get(ACCESS_COOKIE)?.value;
  const refresh = request.cookies.get(REFRESH_COOKIE)?.value;
  try {
    // Only the access token can name the session to revoke: get one if it has lapsed.
    if (!access && refresh) access = (await refresher()(refresh))?.access_token;
    if (access) await postAuth("logout", undefined, request.headers, access);
  } catch {
    // The API is unreachable: the cookies still go; the tokens die at their expiry.
  }
  return endSession(new NextResponse(null, { status: 204 }), request);
}
