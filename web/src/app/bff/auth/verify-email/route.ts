import { NextResponse, type NextRequest } from "next/server";

import { csrfDenied, passThrough, readJson, unreachable } from "@/lib/session/http";
import { postAuth } from "@/lib/session/upstream";

/** Confirm an e-mail address with the token from the e-mailed link; no session is needed
 * (the link may be opened in another browser) and none changes. */
export async function POST(request: NextRequest): Promise<NextResponse> {
  const denied = csrfDenied(request);
  if (denied) return denied;
  const answer = await postAuth("verify-email", await readJson(request), request.headers).catch(() => null);
  if (answer === null) return unreachable();
  if (answer.status !== 204) return passThrough(answer.status, answer.body);
  return new NextResponse(null, { status: 204 });
}
