/** The token of an e-mailed account link (`/reset-password#<token>`). It travels in the URL's
 * fragment, which browsers never send to a server, so it reaches no access log; once read it
 * is also removed from the address bar and the history entry. */
export function takeLinkToken(): string | null {
  const token = decodeURIComponent(window.location.hash.replace(/^#/, "")).trim();
  if (window.location.hash) {
    window.history.replaceState(null, "", window.location.pathname + window.location.search);
  }
  return token || null;
}

/** The API's problem code (`invalid_token` for an unknown, used or expired link). */
export async function problemCode(response: Response): Promise<{ code: string | null; detail: string | null }> {
  try {
    const body = (await response.clone().json()) as { code?: unknown; detail?: unknown; title?: unknown };
    const detail = typeof body.detail === "string" ? body.detail : typeof body.title === "string" ? body.title : null;
    return { code: typeof body.code === "string" ? body.code : null, detail };
  } catch {
    return { code: null, detail: null };
  }
}
