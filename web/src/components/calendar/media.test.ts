import { describe, expect, it } from "vitest";

import { isVideoPost, postMedia } from "./media";

describe("what a post shows", () => {
  it("a video with its cover, before any image", () => {
    const post = {
      parts: [
        { text: "a", reply_to_previous: false, media: [{ url: "https://cdn.example/a.jpg", kind: "image" as const }] },
        { text: "b", reply_to_previous: true, media: [{ url: "https://cdn.example/v.mp4", kind: "video" as const, cover_url: "https://cdn.example/c.jpg" }] },
      ],
    };
    expect(postMedia(post)).toEqual({ kind: "video", url: "https://cdn.example/v.mp4", cover: "https://cdn.example/c.jpg" });
    expect(isVideoPost(post)).toBe(true);
  });

  it("a video without a cover, an image, or nothing", () => {
    expect(postMedia({ parts: [{ text: "v", reply_to_previous: false, media: [{ url: "/v.mp4", kind: "video" }] }] })).toEqual({ kind: "video", url: "/v.mp4", cover: null });
    expect(postMedia({ parts: [{ text: "i", reply_to_previous: false, media: [{ url: "/i.png", kind: "image", alt: "A bin" }] }] })).toEqual({ kind: "image", url: "/i.png", alt: "A bin" });
    expect(postMedia({ parts: [{ text: "t", reply_to_previous: false }] })).toBeNull();
    expect(isVideoPost({ parts: [{ text: "t", reply_to_previous: false }] })).toBe(false);
  });
});
