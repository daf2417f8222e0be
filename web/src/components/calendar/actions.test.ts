import { describe, expect, it } from "vitest";

import { checkUrl, type Post, type SocialAccount } from "./actions";

const account = { platform_account_id: "12345", platform: "x" } as SocialAccount;

function post(platform: string, permalink: string | null): Post {
  return { platform, permalink } as Post;
}

describe("where to look for a post that may be live", () => {
  it("is the permalink when the platform gave one", () => {
    expect(checkUrl(post("x", "https://x.com/i/web/status/9"), account)).toBe("https://x.com/i/web/status/9");
  });

  it("is the account's page on the platform otherwise", () => {
    expect(checkUrl(post("x", null), account)).toBe("https://x.com/i/user/12345");
    expect(checkUrl(post("facebook", null), { ...account, platform_account_id: "a/b" })).toBe("https://www.facebook.com/a%2Fb");
    expect(checkUrl(post("threads", null), account)).toBe("https://www.threads.net/");
    expect(checkUrl(post("x", null), undefined)).toBeNull();
  });
});
