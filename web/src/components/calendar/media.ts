/** What a post shows: its first part's video (with the cover frame, when it names one) or
 * its first image. A video is posted alone, so a post has one video at most. */

import type { Post } from "./actions";

export type PostMediaItem = NonNullable<Post["parts"][number]["media"]>[number];

export type Shown = { kind: "video"; url: string; cover: string | null } | { kind: "image"; url: string; alt: string | null } | null;

export function postMedia(post: Pick<Post, "parts">): Shown {
  const media = post.parts.flatMap((part) => part.media ?? []);
  const video = media.find((item) => item.kind === "video");
  if (video) return { kind: "video", url: video.url, cover: video.cover_url ?? null };
  const image = media.find((item) => item.kind !== "video");
  return image ? { kind: "image", url: image.url, alt: image.alt ?? null } : null;
}

export function isVideoPost(post: Pick<Post, "parts">): boolean {
  return postMedia(post)?.kind === "video";
}
