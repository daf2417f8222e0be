/** The designs API from the editor page (the same-origin proxy under /api/v1, CSRF header on
 * every write). Each call answers with the data or the API's problem, never throws for an HTTP
 * status: the page decides what a 409 or a 422 means to the person. */

import { csrfHeaders } from "@/lib/browser";

import type { CommandResult, Design, DesignVersion, HandAction, Problem } from "./types";

export type Answer<T> = { ok: true; data: T } | { ok: false; status: number; problem: Problem };

async function call<T>(method: "GET" | "POST", path: string, body?: unknown): Promise<Answer<T>> {
  const response = await fetch(`/api/v1/designs${path}`, {
    method,
    headers: method === "POST" ? { "content-type": "application/json", ...csrfHeaders() } : {},
    body: body === undefined ? undefined : JSON.stringify(body),
    cache: "no-store",
  });
  if (response.ok) return { ok: true, data: (await response.json()) as T };
  let problem: Problem = { status: response.status };
  try {
    problem = { status: response.status, ...((await response.json()) as Problem) };
  } catch {
    // Not problem+json (a proxy's page): the status alone.
  }
  return { ok: false, status: response.status, problem };
}

export const designsApi = {
  get: (id: string) => call<Design>("GET", `/${id}`),
  versions: (id: string) => call<DesignVersion[]>("GET", `/${id}/versions`),
  actions: (id: string, actions: HandAction[], head: number) =>
    call<Design>("POST", `/${id}/actions`, { actions, expected_head: head }),
  command: (id: string, text: string, head: number, targets?: string[]) =>
    call<CommandResult>("POST", `/${id}/commands`, { text, expected_head: head, ...(targets ? { targets } : {}) }),
  undo: (id: string, head: number) => call<Design>("POST", `/${id}/undo`, { expected_head: head }),
  redo: (id: string, head: number) => call<Design>("POST", `/${id}/redo`, { expected_head: head }),
  restore: (id: string, number: number, head: number) =>
    call<Design>("POST", `/${id}/versions/${number}/restore`, { expected_head: head }),
  publish: (id: string) => call<Design>("POST", `/${id}/publish`, {}),
  /** The design of one of the tenant's images: the existing one, or a new one. */
  forImage: (imageId: string) => fetch("/api/v1/designs", {
    method: "POST",
    headers: { "content-type": "application/json", ...csrfHeaders() },
    body: JSON.stringify({ image_id: imageId }),
  }),
};
