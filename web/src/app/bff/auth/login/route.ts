import { NextResponse, type NextRequest } from "next/server";

import type { TokenPair } from "@/lib/session/cookies";
import { csrfDenied, passThrough, readJson, startSession, unreachable } from "@/lib/session/http";
import { postAuth } from "@/lib/session/upstream";

export async function POST(request: NextRequest): Promise<NextResponse> {
  const denied = csrfDenied(request);
  if (denied) return denied;
  const body = await readJson(request);
  const answer = await postAuth("login", body, request.headers).catch(() => null);
  if (answer === null) return unreachable();
  if (answer.status !== 200) return passThrough(answer.status, answer.body);
  const pair = answer.body as TokenPair;
  // The page learns who it is, never the tokens.
  const response = NextResponse.json({ tenant_id: pair.tenant_id, user_id: pair.user_id });
  return startSession(response, request, pair);
}
