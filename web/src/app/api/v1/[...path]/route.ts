import { NextResponse, type NextRequest } from "next/server";

import { ACCESS_COOKIE, CSRF_COOKIE, REFRESH_COOKIE } from "@/lib/session/cookies";
import { allowedOriginsFromEnv, isSafeMethod } from "@/lib/session/csrf";
import { endSession, startSession } from "@/lib/session/http";
import { proxyToApi } from "@/lib/session/proxy";
import { apiBaseUrl, refresher } from "@/lib/session/upstream";

export const dynamic = "force-dynamic";

async function handle(request: NextRequest): Promise<NextResponse> {
  const { response, session } = await proxyToApi(
    {
      method: request.method,
      url: request.url,
      headers: request.headers,
      accessToken: request.cookies.get(ACCESS_COOKIE)?.value,
      refreshToken: request.cookies.get(REFRESH_COOKIE)?.value,
      csrfCookie: request.cookies.get(CSRF_COOKIE)?.value,
      allowedOrigins: allowedOriginsFromEnv(),
      // Buffered: a retry after a refresh must send the same body again.
      body: isSafeMethod(request.method) ? undefined : await request.arrayBuffer(),
      signal: request.signal,
    },
    { apiBase: apiBaseUrl(), fetch: (url, init) => fetch(url, init), refresh: refresher() },
  );
  const answer = new NextResponse(response.body, { status: response.status, headers: response.headers });
  if (session.kind === "renewed") startSession(answer, request, session.pair);
  if (session.kind === "ended") endSession(answer, request);
  return answer;
}

export { handle as GET, handle as POST, handle as PUT, handle as PATCH, handle as DELETE, handle as HEAD };
