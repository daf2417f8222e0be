/** The API as pages see it on the server: the session's access token from the cookie, the
 * API's answers typed from its OpenAPI document, and its errors turned into Next's pages. */

import createClient from "openapi-fetch";
import { cookies, headers } from "next/headers";
import { notFound, redirect } from "next/navigation";

import { ACCESS_COOKIE } from "@/lib/session/cookies";
import { apiBaseUrl } from "@/lib/session/upstream";

import type { paths } from "./schema";

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly detail: unknown,
  ) {
    super(`the API answered ${status}`);
  }
}

async function currentPath(): Promise<string> {
  return (await headers()).get("x-icop-path") ?? "/";
}

async function renew(): Promise<never> {
  redirect(`/bff/session/renew?next=${encodeURIComponent(await currentPath())}`);
}

export async function serverApi() {
  const token = (await cookies()).get(ACCESS_COOKIE)?.value;
  if (!token) return renew();
  return createClient<paths>({
    baseUrl: apiBaseUrl(),
    headers: { authorization: `Bearer ${token}` },
    fetch: (request: Request) => fetch(request, { cache: "no-store" }),
  });
}

/** The data, or the page that fits the answer: 401 renews the session, 404 (and 422, a
 * malformed id in the URL) is the not-found page, anything else is the error page. */
export async function must<T>(call: Promise<{ data?: T; error?: unknown; response: Response }>): Promise<T> {
  const { data, error, response } = await call;
  if (response.ok && data !== undefined) return data;
  if (response.status === 401) return renew();
  if (response.status === 404 || response.status === 422) notFound();
  throw new ApiError(response.status, error);
}
