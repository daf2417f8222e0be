import { NextResponse, type NextRequest } from "next/server";

import { csrfDenied, endSession, passThrough, readJson, unreachable } from "@/lib/session/http";
import { postAuth } from "@/lib/session/upstream";

/** Set a new password with the token from the e-mailed link. The API ends every session of
 * the account; this browser's cookies go too, so nobody stays signed in on the old password
 * (not even here: the next step is logging in with the new one). */
export async function POST(request: NextRequest): Promise<NextResponse> {
  const denied = csrfDenied(request);
  if (denied) return denied;
  const answer = await postAuth("password-reset", await readJson(request), request.headers).catch(() => null);
  if (answer === null) return unreachable();
  if (answer.status !== 204) return passThrough(answer.status, answer.body);
  return endSession(new NextResponse(null, { status: 204 }), request);
}
