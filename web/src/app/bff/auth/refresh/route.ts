import { NextResponse, type NextRequest } from "next/server";

import { REFRESH_COOKIE } from "@/lib/session/cookies";
import { csrfDenied, endSession, problem, startSession, unreachable } from "@/lib/session/http";
import { refresher } from "@/lib/session/upstream";

export async function POST(request: NextRequest): Promise<NextResponse> {
  const denied = csrfDenied(request);
  if (denied) return denied;
  const refresh = request.cookies.get(REFRESH_COOKIE)?.value;
  if (!refresh) return problem(401, "Not signed in");
  let pair;
  try {
    pair = await refresher()(refresh);
  } catch {
    return unreachable();
  }
  if (!pair) return endSession(problem(401, "The session has ended"), request);
  return startSession(new NextResponse(null, { status: 204 }), request, pair);
}
