import type { components } from "@/api/schema";
import { csrfHeaders, problemMessage } from "@/lib/browser";

export type Post = components["schemas"]["PostOut"];
export type SocialAccount = components["schemas"]["AccountOut"];

/** Statuses a person can still steer (the API's ``PostStatus.steerable``). */
export const STEERABLE = new Set<Post["status"]>(["scheduled", "waiting_quota"]);
export const RETRYABLE = new Set<Post["status"]>(["failed", "unconfirmed"]);

export const STATUS_COLOURS: Record<Post["status"], string> = {
  scheduled: "blue",
  waiting_quota: "yellow",
  publishing: "cyan",
  published: "green",
  failed: "red",
  unconfirmed: "orange",
  cancelled: "gray",
};

export type Outcome = { ok: true; post: Post } | { ok: false; message: string | null };

/** One of the post's steering calls through the same-origin API (CSRF header included). */
export async function steer(
  postId: string,
  action: "reschedule" | "publish-now" | "cancel" | "retry",
  body?: unknown,
): Promise<Outcome> {
  try {
    const response = await fetch(`/api/v1/posts/${postId}/${action}`, {
      method: "POST",
      headers: { "content-type": "application/json", ...csrfHeaders() },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (response.ok) return { ok: true, post: (await response.json()) as Post };
    return { ok: false, message: await problemMessage(response) };
  } catch {
    return { ok: false, message: null };
  }
}

/** Where a person can look for a post that may be live: its permalink, or the account's
 * page on the platform when the platform never answered with one. */
export function checkUrl(post: Post, account: SocialAccount | undefined): string | null {
  if (post.permalink) return post.permalink;
  if (!account) return null;
  const id = encodeURIComponent(account.platform_account_id);
  switch (post.platform) {
    case "facebook":
      return `https://www.facebook.com/${id}`;
    case "x":
      return `https://x.com/i/user/${id}`;
    case "instagram":
      return "https://www.instagram.com/";
    case "threads":
      return "https://www.threads.net/";
    default:
      return null;
  }
}
