import { describe, expect, it } from "vitest";

import { platformsOf, withPublishing } from "./defaults";

describe("withPublishing", () => {
  it("keeps every other default, since the API replaces them whole", () => {
    const defaults = { mode: "merge", language: "ko", sub_topic_count: 3, length_words: 600, approval_required: false, platforms: [] };
    expect(withPublishing(defaults, true, ["x", "facebook"])).toEqual({
      mode: "merge",
      language: "ko",
      sub_topic_count: 3,
      length_words: 600,
      approval_required: true,
      platforms: ["facebook", "x"],
    });
  });

  it("names each platform once and nothing the API does not know", () => {
    expect(withPublishing({}, false, ["x", "x", "myspace"]).platforms).toEqual(["x"]);
  });
});

describe("platformsOf", () => {
  it("reads the platforms a pipeline's defaults name, or none", () => {
    expect(platformsOf({ platforms: ["threads", "instagram", "mastodon"] })).toEqual(["instagram", "threads"]);
    expect(platformsOf({})).toEqual([]);
  });
});
