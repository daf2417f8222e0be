/** For client components: the CSRF header that every unsafe call to /bff or /api must carry. */
export function csrfHeaders(): Record<string, string> {
  const match = document.cookie.split("; ").find((part) => part.startsWith("icop_csrf="));
  return match ? { "x-csrf-token": decodeURIComponent(match.slice("icop_csrf=".length)) } : {};
}

/** The message of a problem+json answer, or null when it has none worth showing. */
export async function problemMessage(response: Response): Promise<string | null> {
  try {
    const body = (await response.json()) as { detail?: unknown; title?: unknown };
    if (typeof body.detail === "string") return body.detail;
    if (typeof body.title === "string") return body.title;
  } catch {
    // Not JSON: the caller shows its generic message.
  }
  return null;
}
