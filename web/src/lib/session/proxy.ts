/**
 * The same-origin API: the page calls /api/v1/… on the dashboard's own origin and this
 * forwards the call to FastAPI with the session's access token as `Authorization: Bearer`.
 * An expired access token is refreshed and the call retried once, so a page never sees a
 * 401 while its session lives. A caller that brings its own credentials (a script with an
 * API key or a bearer token) is forwarded untouched and never touches the cookies.
 */

import type { TokenPair } from "./cookies";
import { checkCsrf, isSafeMethod } from "./csrf";
import { forwardHeaders } from "./upstream";

export interface ProxyInput {
  method: string;
  /** The full URL the browser asked for (its path and query are forwarded as they are). */
  url: string;
  headers: Headers;
  accessToken?: string;
  refreshToken?: string;
  csrfCookie?: string;
  allowedOrigins?: string[];
  body?: ArrayBuffer;
  /** The browser's request ending (a closed live view) ends the call to the API with it. */
  signal?: AbortSignal;
}

export interface ProxyDeps {
  apiBase: string;
  fetch: (url: string, init: RequestInit) => Promise<Response>;
  refresh: (refreshToken: string) => Promise<TokenPair | null>;
}

export type SessionChange = { kind: "none" } | { kind: "renewed"; pair: TokenPair } | { kind: "ended" };

export interface ProxyResult {
  response: Response;
  session: SessionChange;
}

const DROPPED_RESPONSE_HEADERS = ["content-encoding", "content-length", "transfer-encoding", "connection", "set-cookie"];

function problemResponse(status: number, title: string, detail?: string): Response {
  return new Response(JSON.stringify({ type: "about:blank", title, status, ...(detail ? { detail } : {}) }), {
    status,
    headers: { "content-type": "application/problem+json" },
  });
}

function cleanResponse(upstream: Response): Response {
  const headers = new Headers(upstream.headers);
  // fetch already decoded the body; its length and encoding no longer describe what we send.
  for (const name of DROPPED_RESPONSE_HEADERS) headers.delete(name);
  if ((headers.get("content-type") ?? "").startsWith("text/event-stream")) {
    // Next's server gzips what it sends, and a gzip stream holds events back until its buffer
    // fills: a live view would see them late, in bursts. no-transform turns compression off.
    headers.set("cache-control", "no-store, no-transform");
  }
  return new Response(upstream.body, { status: upstream.status, statusText: upstream.statusText, headers });
}

/** The API did not answer (down, restarting): a 502 problem instead of an exception. */
export async function proxyToApi(input: ProxyInput, deps: ProxyDeps): Promise<ProxyResult> {
  try {
    return await forward(input, deps);
  } catch {
    return { response: problemResponse(502, "The API is not reachable", "Try again in a moment."), session: { kind: "none" } };
  }
}

async function forward(input: ProxyInput, deps: ProxyDeps): Promise<ProxyResult> {
  const requested = new URL(input.url);
  const target = `${deps.apiBase}${requested.pathname}${requested.search}`;
  const headers = forwardHeaders(input.headers);
  const explicit = input.headers.get("authorization") ?? input.headers.get("x-api-key");
  const withBody = !isSafeMethod(input.method) && input.body !== undefined && input.body.byteLength > 0;
  const send = (token: string | undefined): Promise<Response> => {
    const outgoing = new Headers(headers);
    if (token) outgoing.set("authorization", `Bearer ${token}`);
    return deps.fetch(target, {
      method: input.method,
      headers: outgoing,
      body: withBody ? input.body : undefined,
      redirect: "manual",
      cache: "no-store",
      signal: input.signal,
    });
  };

  if (explicit) {
    const authorization = input.headers.get("authorization");
    const apiKey = input.headers.get("x-api-key");
    if (authorization) headers.set("authorization", authorization);
    if (apiKey) headers.set("x-api-key", apiKey);
    return { response: cleanResponse(await send(undefined)), session: { kind: "none" } };
  }

  const hasSession = Boolean(input.accessToken || input.refreshToken);
  if (hasSession) {
    const verdict = checkCsrf({
      method: input.method,
      url: input.url,
      headers: input.headers,
      csrfCookie: input.csrfCookie,
      allowedOrigins: input.allowedOrigins,
    });
    if (!verdict.ok) {
      return { response: problemResponse(403, "Cross-site request refused", verdict.reason), session: { kind: "none" } };
    }
  }

  let session: SessionChange = { kind: "none" };
  let token = input.accessToken;
  if (!token && input.refreshToken) {
    const pair = await deps.refresh(input.refreshToken);
    if (!pair) return { response: problemResponse(401, "The session has ended"), session: { kind: "ended" } };
    session = { kind: "renewed", pair };
    token = pair.access_token;
  }

  let upstream = await send(token);
  // A token can die before its cookie does (logout elsewhere, a restart with new keys):
  // refresh once and retry, unless this very call already brought a fresh token.
  if (upstream.status === 401 && input.refreshToken && session.kind === "none") {
    const pair = await deps.refresh(input.refreshToken);
    if (!pair) return { response: cleanResponse(upstream), session: { kind: "ended" } };
    session = { kind: "renewed", pair };
    await upstream.body?.cancel();
    upstream = await send(pair.access_token);
  }
  return { response: cleanResponse(upstream), session };
}
