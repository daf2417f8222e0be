import { NextResponse, type NextRequest } from "next/server";

import { csrfDenied, passThrough, readJson, unreachable } from "@/lib/session/http";
import { postAuth } from "@/lib/session/upstream";

/** Ask the API to e-mail a reset link. Its answer is the same whether or not an account has
 * the address (no enumeration), and so is this one. */
export async function POST(request: NextRequest): Promise<NextResponse> {
  const denied = csrfDenied(request);
  if (denied) return denied;
  const answer = await postAuth("password-reset/request", await readJson(request), request.headers).catch(() => null);
  if (answer === null) return unreachable();
  if (answer.status !== 202) return passThrough(answer.status, answer.body);
  return NextResponse.json(answer.body, { status: 202 });
}
