/** The FastAPI service behind the dashboard, as the web server (never the browser) reaches it. */

import type { TokenPair } from "./cookies";
import { createRefresher, type Refresher } from "./refresh";

export function apiBaseUrl(env: Record<string, string | undefined> = process.env): string {
  return (env.ICOP_API_URL ?? "http://127.0.0.1:8000").replace(/\/+$/, "");
}

/** Headers worth passing from the browser's request to the API's. The client address goes
 * along so that the API's per-address limits count browsers, not this server (uvicorn trusts
 * X-Forwarded-For from the loopback address by default). */
const FORWARDED_HEADERS = [
  "accept",
  "accept-language",
  "content-type",
  "user-agent",
  "x-request-id",
  // Conditional writes (an article's version) and a resumed event stream.
  "if-match",
  "last-event-id",
];

export function forwardHeaders(incoming: Headers): Headers {
  const outgoing = new Headers();
  for (const name of FORWARDED_HEADERS) {
    const value = incoming.get(name);
    if (value) outgoing.set(name, value);
  }
  const forwardedFor = incoming.get("x-forwarded-for");
  if (forwardedFor) outgoing.set("x-forwarded-for", forwardedFor);
  return outgoing;
}

export interface UpstreamAnswer {
  status: number;
  body: unknown;
}

/** POST a JSON body to one of the API's auth endpoints and read its JSON (or problem) answer. */
export async function postAuth(
  path: "signup" | "login" | "refresh" | "logout" | "password-reset/request" | "password-reset" | "verify-email",
  body: unknown,
  incoming: Headers,
  accessToken?: string,
): Promise<UpstreamAnswer> {
  const headers = forwardHeaders(incoming);
  headers.set("content-type", "application/json");
  headers.set("accept", "application/json");
  if (accessToken) headers.set("authorization", `Bearer ${accessToken}`);
  const response = await fetch(`${apiBaseUrl()}/api/v1/auth/${path}`, {
    method: "POST",
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
    cache: "no-store",
  });
  const text = await response.text();
  let parsed: unknown = null;
  if (text) {
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = { title: text };
    }
  }
  return { status: response.status, body: parsed };
}

async function refreshAtApi(refreshToken: string): Promise<TokenPair | null> {
  const answer = await postAuth("refresh", { refresh_token: refreshToken }, new Headers());
  if (answer.status === 200) return answer.body as TokenPair;
  if (answer.status === 401 || answer.status === 422) return null;
  throw new Error(`the API answered ${answer.status} to a token refresh`);
}

const shared = globalThis as typeof globalThis & { __icopRefresher?: Refresher };

/** One refresher per server process: route handlers and pages share its coalescing. */
export function refresher(): Refresher {
  shared.__icopRefresher ??= createRefresher(refreshAtApi);
  return shared.__icopRefresher;
}
