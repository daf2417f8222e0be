/** The designs API from server components: the session's token, the API's errors turned into
 * Next's pages by `must` (401 renews the session, 404 and 422 are the not-found page). */

import { cookies } from "next/headers";

import { must } from "@/api/server";
import { ACCESS_COOKIE } from "@/lib/session/cookies";
import { apiBaseUrl } from "@/lib/session/upstream";

import type { Design } from "./types";

async function get<T>(path: string): Promise<T> {
  const token = (await cookies()).get(ACCESS_COOKIE)?.value;
  const response = await fetch(`${apiBaseUrl()}/api/v1${path}`, {
    headers: token ? { authorization: `Bearer ${token}` } : {},
    cache: "no-store",
  });
  const body: unknown = await response.json().catch(() => undefined);
  return must(Promise.resolve({ data: response.ok ? (body as T) : undefined, error: body, response }));
}

export function loadDesign(id: string): Promise<Design> {
  return get<Design>(`/designs/${encodeURIComponent(id)}`);
}

/** The designs made of an article's images (the editor's entry from the article review); none
 * when the API cannot say (the review page must not fail for its image section). */
export async function articleDesigns(articleId: string): Promise<Design[]> {
  const token = (await cookies()).get(ACCESS_COOKIE)?.value;
  try {
    const response = await fetch(`${apiBaseUrl()}/api/v1/designs?article_id=${encodeURIComponent(articleId)}`, {
      headers: token ? { authorization: `Bearer ${token}` } : {},
      cache: "no-store",
    });
    return response.ok ? ((await response.json()) as Design[]) : [];
  } catch {
    return [];
  }
}
