import { describe, expect, it } from "vitest";

import { negotiateLocale } from "@/i18n/locale";

import { ACCESS_COOKIE, clearedSessionCookies, isSecureRequest, REFRESH_COOKIE, sessionCookies, type TokenPair } from "./cookies";
import { checkCsrf, ownOrigin } from "./csrf";
import { safeNext } from "./http";
import { proxyToApi, type ProxyDeps } from "./proxy";
import { createRefresher } from "./refresh";

const pair = (n: number): TokenPair => ({
  tenant_id: "t",
  user_id: "u",
  access_token: `access-${n}`,
  refresh_token: `refresh-${n}`,
  token_type: "bearer",
  expires_in: 900,
});

describe("session cookies", () => {
  it("keeps both tokens httpOnly and SameSite=Lax, Secure only over https", () => {
    const plain = sessionCookies(pair(1), false, 3600);
    expect(plain.map((c) => c.name)).toEqual([ACCESS_COOKIE, REFRESH_COOKIE]);
    for (const cookie of plain) {
      expect(cookie.options).toMatchObject({ httpOnly: true, sameSite: "lax", secure: false, path: "/" });
    }
    expect(sessionCookies(pair(1), true).every((c) => c.options.secure)).toBe(true);
  });

  it("expires the access cookie before the token, the refresh cookie with the refresh token", () => {
    const [access, refresh] = sessionCookies(pair(1), false, 3600);
    expect(access?.options.maxAge).toBe(870);
    expect(refresh?.options.maxAge).toBe(3600);
  });

  it("clears both on logout", () => {
    expect(clearedSessionCookies(false).map((c) => [c.name, c.value, c.options.maxAge])).toEqual([
      [ACCESS_COOKIE, "", 0],
      [REFRESH_COOKIE, "", 0],
    ]);
  });

  it("trusts a proxy's forwarded scheme over the URL's", () => {
    expect(isSecureRequest("http://web:3000/x", new Headers({ "x-forwarded-proto": "https" }))).toBe(true);
    expect(isSecureRequest("https://a/x", new Headers())).toBe(true);
    expect(isSecureRequest("http://a/x", new Headers())).toBe(false);
  });
});

describe("CSRF", () => {
  const url = "http://127.0.0.1:3000/bff/auth/logout";
  const headers = (extra: Record<string, string>) => new Headers({ host: "127.0.0.1:3000", ...extra });

  it("lets safe methods through without a token", () => {
    expect(checkCsrf({ method: "GET", url, headers: headers({}), csrfCookie: undefined }).ok).toBe(true);
  });

  it("accepts a same-origin POST with the matching token", () => {
    const verdict = checkCsrf({
      method: "POST",
      url,
      headers: headers({ origin: "http://127.0.0.1:3000", "x-csrf-token": "abc" }),
      csrfCookie: "abc",
    });
    expect(verdict).toEqual({ ok: true });
  });

  it("refuses another origin even with the token", () => {
    const verdict = checkCsrf({
      method: "POST",
      url,
      headers: headers({ origin: "http://evil.example", "x-csrf-token": "abc" }),
      csrfCookie: "abc",
    });
    expect(verdict.ok).toBe(false);
  });

  it("refuses a missing or different token, and a request without any origin", () => {
    const base = { method: "POST", url, csrfCookie: "abc" };
    expect(checkCsrf({ ...base, headers: headers({ origin: "http://127.0.0.1:3000" }) }).ok).toBe(false);
    expect(
      checkCsrf({ ...base, headers: headers({ origin: "http://127.0.0.1:3000", "x-csrf-token": "abd" }) }).ok,
    ).toBe(false);
    expect(checkCsrf({ ...base, headers: headers({ "x-csrf-token": "abc" }) }).ok).toBe(false);
  });

  it("falls back to the Referer and honours the proxy's forwarded host", () => {
    const forwarded = new Headers({
      host: "web:3000",
      "x-forwarded-host": "icop.example.com",
      "x-forwarded-proto": "https",
      referer: "https://icop.example.com/articles",
      "x-csrf-token": "abc",
    });
    expect(ownOrigin("http://web:3000/x", forwarded)).toBe("https://icop.example.com");
    expect(checkCsrf({ method: "DELETE", url: "http://web:3000/x", headers: forwarded, csrfCookie: "abc" }).ok).toBe(true);
  });
});

describe("refresh coalescing", () => {
  it("asks the API once for concurrent refreshes of the same token", async () => {
    let calls = 0;
    const refresh = createRefresher(async () => {
      calls += 1;
      await new Promise((resolve) => setTimeout(resolve, 5));
      return pair(2);
    });
    const answers = await Promise.all([refresh("refresh-1"), refresh("refresh-1"), refresh("refresh-1")]);
    expect(calls).toBe(1);
    expect(answers.every((answer) => answer?.access_token === "access-2")).toBe(true);
  });

  it("forgets a network failure so that the next request retries, and expires old answers", async () => {
    let clock = 0;
    let calls = 0;
    const refresh = createRefresher(
      async () => {
        calls += 1;
        if (calls === 1) throw new Error("down");
        return pair(calls);
      },
      1000,
      () => clock,
    );
    await expect(refresh("r")).rejects.toThrow("down");
    expect((await refresh("r"))?.access_token).toBe("access-2");
    expect((await refresh("r"))?.access_token).toBe("access-2");
    clock = 5000;
    expect((await refresh("r"))?.access_token).toBe("access-3");
  });
});

describe("the API proxy", () => {
  const url = "http://127.0.0.1:3000/api/v1/articles?limit=5";
  function deps(answers: number[], refreshed: TokenPair | null = pair(2)) {
    const sent: { url: string; authorization: string | null; body: unknown }[] = [];
    let refreshes = 0;
    const value: ProxyDeps = {
      apiBase: "http://api:8000",
      fetch: async (target, init) => {
        const headers = new Headers(init.headers);
        sent.push({ url: target, authorization: headers.get("authorization"), body: init.body });
        return new Response(JSON.stringify({ ok: true }), {
          status: answers.shift() ?? 200,
          headers: { "content-type": "application/json", "content-encoding": "gzip" },
        });
      },
      refresh: async () => {
        refreshes += 1;
        return refreshed;
      },
    };
    return { value, sent, refreshes: () => refreshes };
  }

  it("sends the cookie's access token as a bearer token to the same path and query", async () => {
    const d = deps([200]);
    const result = await proxyToApi({ method: "GET", url, headers: new Headers(), accessToken: "a1", refreshToken: "r1" }, d.value);
    expect(d.sent).toEqual([{ url: "http://api:8000/api/v1/articles?limit=5", authorization: "Bearer a1", body: undefined }]);
    expect(result.session.kind).toBe("none");
    expect(result.response.headers.get("content-encoding")).toBeNull();
  });

  it("refreshes and retries once on a 401, returning the new pair for the cookies", async () => {
    const d = deps([401, 200]);
    const result = await proxyToApi({ method: "GET", url, headers: new Headers(), accessToken: "old", refreshToken: "r1" }, d.value);
    expect(d.sent.map((s) => s.authorization)).toEqual(["Bearer old", "Bearer access-2"]);
    expect(result.response.status).toBe(200);
    expect(result.session).toEqual({ kind: "renewed", pair: pair(2) });
  });

  it("refreshes first when the access cookie has lapsed, and never twice", async () => {
    const d = deps([401]);
    const result = await proxyToApi({ method: "GET", url, headers: new Headers(), refreshToken: "r1" }, d.value);
    expect(d.refreshes()).toBe(1);
    expect(d.sent).toHaveLength(1);
    expect(result.response.status).toBe(401);
  });

  it("ends the session when the refresh token is refused", async () => {
    const d = deps([401], null);
    const result = await proxyToApi({ method: "GET", url, headers: new Headers(), accessToken: "old", refreshToken: "r1" }, d.value);
    expect(result.session.kind).toBe("ended");
    expect(result.response.status).toBe(401);
  });

  it("refuses a cookie-authenticated POST without the CSRF token and sends nothing", async () => {
    const d = deps([200]);
    const result = await proxyToApi(
      {
        method: "POST",
        url,
        headers: new Headers({ host: "127.0.0.1:3000", origin: "http://127.0.0.1:3000" }),
        accessToken: "a1",
        csrfCookie: "abc",
        body: new TextEncoder().encode("{}").buffer as ArrayBuffer,
      },
      d.value,
    );
    expect(result.response.status).toBe(403);
    expect(d.sent).toHaveLength(0);
  });

  it("forwards a script's own credentials untouched, without cookies or CSRF", async () => {
    const d = deps([200]);
    await proxyToApi(
      { method: "POST", url, headers: new Headers({ "x-api-key": "key", authorization: "Bearer script" }), accessToken: "a1" },
      d.value,
    );
    expect(d.sent[0]?.authorization).toBe("Bearer script");
  });
});

describe("the API proxy's headers", () => {
  function capture(contentType: string) {
    const sent: Headers[] = [];
    const deps: ProxyDeps = {
      apiBase: "http://api:8000",
      fetch: async (_target, init) => {
        sent.push(new Headers(init.headers));
        return new Response("data: {}\n\n", { status: 200, headers: { "content-type": contentType, "cache-control": "no-store" } });
      },
      refresh: async () => null,
    };
    return { sent, deps };
  }

  it("forwards the version an edit started from and where an event stream resumes", async () => {
    const { sent, deps } = capture("application/json");
    await proxyToApi(
      {
        method: "GET",
        url: "http://127.0.0.1:3000/api/v1/x",
        headers: new Headers({ "if-match": '"v2"', "last-event-id": "41", cookie: "secret=1" }),
        accessToken: "a1",
      },
      deps,
    );
    expect(sent[0]?.get("if-match")).toBe('"v2"');
    expect(sent[0]?.get("last-event-id")).toBe("41");
    expect(sent[0]?.get("cookie")).toBeNull();
  });

  it("keeps Next's compression off an event stream (it would hold events back) and only there", async () => {
    const stream = capture("text/event-stream; charset=utf-8");
    const live = await proxyToApi({ method: "GET", url: "http://127.0.0.1:3000/api/v1/e", headers: new Headers(), accessToken: "a" }, stream.deps);
    expect(live.response.headers.get("cache-control")).toBe("no-store, no-transform");
    const json = capture("application/json");
    const plain = await proxyToApi({ method: "GET", url: "http://127.0.0.1:3000/api/v1/j", headers: new Headers(), accessToken: "a" }, json.deps);
    expect(plain.response.headers.get("cache-control")).toBe("no-store");
  });
});

describe("helpers", () => {
  it("redirects only within the site", () => {
    expect(safeNext("/articles?x=1")).toBe("/articles?x=1");
    expect(safeNext("//evil.example")).toBe("/");
    expect(safeNext("https://evil.example")).toBe("/");
    expect(safeNext("/\\evil.example")).toBe("/");
    expect(safeNext(null)).toBe("/");
  });

  it("speaks Korean when the browser prefers it, English otherwise", () => {
    expect(negotiateLocale("ko-KR,ko;q=0.9,en-US;q=0.8")).toBe("ko");
    expect(negotiateLocale("en-US,en;q=0.9,ko;q=0.8")).toBe("en");
    expect(negotiateLocale("fr-FR,ko;q=0.5")).toBe("ko");
    expect(negotiateLocale("fr-FR")).toBe("en");
    expect(negotiateLocale("ko;q=0")).toBe("en");
    expect(negotiateLocale(null)).toBe("en");
  });
});

describe("an API that does not answer", () => {
  it("is a 502 problem from the proxy, not an exception", async () => {
    const result = await proxyToApi(
      { method: "GET", url: "http://127.0.0.1:3000/api/v1/me", headers: new Headers(), accessToken: "a" },
      {
        apiBase: "http://127.0.0.1:9",
        fetch: async () => {
          throw new TypeError("fetch failed");
        },
        refresh: async () => null,
      },
    );
    expect(result.response.status).toBe(502);
    expect(result.session.kind).toBe("none");
  });
});
