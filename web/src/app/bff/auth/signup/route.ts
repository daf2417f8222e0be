import { NextResponse, type NextRequest } from "next/server";

import type { TokenPair } from "@/lib/session/cookies";
import { csrfDenied, passThrough, readJson, startSession } from "@/lib/session/http";
import { postAuth } from "@/lib/session/upstream";

export async function POST(request: NextRequest): Promise<NextResponse> {
  const denied = csrfDenied(request);
  if (denied) return denied;
  const answer = await postAuth("signup", await readJson(request), request.headers);
  if (answer.status !== 201) return passThrough(answer.status, answer.body);
  const pair = answer.body as TokenPair;
  const response = NextResponse.json(
    { tenant_id: pair.tenant_id, user_id: pair.user_id },
    { status: 201 },
  );
  return startSession(response, request, pair);
}
