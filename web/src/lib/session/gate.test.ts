import { describe, expect, it } from "vitest";

import { ACCESS_COOKIE, REFRESH_COOKIE, type TokenPair } from "./cookies";
import { gatePage, renewedCookies, rewriteCookieHeader, type PageRequest } from "./gate";
import { createRefresher } from "./refresh";

const pair = (n: number): TokenPair => ({
  tenant_id: "t",
  user_id: "u",
  access_token: `access-${n}`,
  refresh_token: `refresh-${n}`,
  token_type: "bearer",
  expires_in: 900,
});

const page = (extra: Partial<PageRequest>): PageRequest => ({
  pathname: "/articles",
  search: "?status=ready",
  prefetch: false,
  ...extra,
});

function countingRefresh(answer: TokenPair | null | Error) {
  const seen: string[] = [];
  const refresh = async (token: string) => {
    seen.push(token);
    if (answer instanceof Error) throw answer;
    return answer;
  };
  return { seen, refresh };
}

describe("the page gate (middleware)", () => {
  it("lets a page with a live access token and the public pages through without refreshing", async () => {
    const { seen, refresh } = countingRefresh(pair(2));
    expect(await gatePage(page({ accessToken: "a", refreshToken: "r" }), refresh)).toEqual({ kind: "pass" });
    expect(await gatePage(page({ pathname: "/login", search: "" }), refresh)).toEqual({ kind: "pass" });
    expect(await gatePage(page({ pathname: "/signup/x", search: "" }), refresh)).toEqual({ kind: "pass" });
    expect(seen).toEqual([]);
  });

  it("lets the pages of e-mailed account links through without a session", async () => {
    const { seen, refresh } = countingRefresh(pair(2));
    for (const pathname of ["/forgot-password", "/reset-password", "/verify-email"]) {
      expect(await gatePage(page({ pathname, search: "" }), refresh)).toEqual({ kind: "pass" });
    }
    expect(await gatePage(page({ pathname: "/reset-passwords", search: "" }), refresh)).toMatchObject({ kind: "login" });
    expect(seen).toEqual([]);
  });

  it("renews a lapsed access token in the request itself: no redirect, the render gets the new token", async () => {
    const { seen, refresh } = countingRefresh(pair(2));
    expect(await gatePage(page({ refreshToken: "refresh-1" }), refresh)).toEqual({ kind: "renewed", pair: pair(2) });
    expect(seen).toEqual(["refresh-1"]);
  });

  it("never refreshes from a prefetch", async () => {
    const { seen, refresh } = countingRefresh(pair(2));
    expect(await gatePage(page({ refreshToken: "refresh-1", prefetch: true }), refresh)).toEqual({ kind: "empty" });
    expect(seen).toEqual([]);
  });

  it("sends a browser without a session to the login page, and one whose token was refused without it", async () => {
    expect(await gatePage(page({}), countingRefresh(pair(2)).refresh)).toEqual({
      kind: "login",
      next: "/articles?status=ready",
      ended: false,
    });
    expect(await gatePage(page({ refreshToken: "reused" }), countingRefresh(null).refresh)).toEqual({
      kind: "login",
      next: "/articles?status=ready",
      ended: true,
    });
  });

  it("leaves an API that did not answer to the renew route, which retries and shows the error", async () => {
    const { refresh } = countingRefresh(new TypeError("fetch failed"));
    expect(await gatePage(page({ refreshToken: "r" }), refresh)).toEqual({ kind: "retry", next: "/articles?status=ready" });
  });

  it("shares one refresh between a page and the API calls it races with", async () => {
    let calls = 0;
    const shared = createRefresher(async () => {
      calls += 1;
      await new Promise((resolve) => setTimeout(resolve, 5));
      return pair(2);
    });
    const decisions = await Promise.all([
      gatePage(page({ refreshToken: "refresh-1" }), shared),
      gatePage(page({ pathname: "/", search: "", refreshToken: "refresh-1" }), shared),
      shared("refresh-1"),
    ]);
    expect(calls).toBe(1);
    expect(decisions.slice(0, 2)).toEqual([
      { kind: "renewed", pair: pair(2) },
      { kind: "renewed", pair: pair(2) },
    ]);
  });
});

describe("the render's cookie header", () => {
  it("replaces the tokens and keeps every other cookie", () => {
    const header = `icop_csrf=c; ${REFRESH_COOKIE}=refresh-1; theme=dark`;
    expect(rewriteCookieHeader(header, renewedCookies(pair(2)))).toBe(
      `icop_csrf=c; theme=dark; ${ACCESS_COOKIE}=access-2; ${REFRESH_COOKIE}=refresh-2`,
    );
  });

  it("removes a cookie, and copes with no header at all", () => {
    expect(rewriteCookieHeader(`${REFRESH_COOKIE}=dead; icop_csrf=c`, { [REFRESH_COOKIE]: null })).toBe("icop_csrf=c");
    expect(rewriteCookieHeader(null, { [ACCESS_COOKIE]: "a" })).toBe(`${ACCESS_COOKIE}=a`);
  });
});
