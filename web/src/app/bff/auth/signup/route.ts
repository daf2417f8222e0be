import { NextResponse, type NextRequest } from "next/server";

import type { TokenPair } from "@/lib/session/cookies";
import { csrfDenied, passThrough, readJson, startSession, unreachable } from "@/lib/session/http";
import { postAuth } from "@/lib/session/upstream";

export async function POST(request: NextRequest): Promise<NextResponse> {
  const denied = csrfDenied(request);
  if (denied) return denied;
  const body = await readJson(request);
  const answer = await postAuth("signup", body, request.headers).catch(() => null);
  if (answer === null) return unreachable();
  if (answer.status !== 201) return passThrough(answer.status, answer.body);
  const pair = answer.body as TokenPair;
  const response = NextResponse.json(
    { tenant_id: pair.tenant_id, user_id: pair.user_id },
    { status: 201 },
  );
  return startSession(response, request, pair);
}
