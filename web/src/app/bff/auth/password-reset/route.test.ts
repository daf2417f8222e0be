import { NextRequest } from "next/server";
import { afterEach, describe, expect, it, vi } from "vitest";

import { POST } from "./route";

const ORIGIN = "http://127.0.0.1:3000";

function resetRequest(body: unknown): NextRequest {
  return new NextRequest(`${ORIGIN}/bff/auth/password-reset`, {
    method: "POST",
    headers: {
      host: "127.0.0.1:3000",
      origin: ORIGIN,
      "content-type": "application/json",
      "x-csrf-token": "csrf-1",
      cookie: "icop_csrf=csrf-1; icop_access=old-access; icop_refresh=old-refresh",
    },
    body: JSON.stringify(body),
  });
}

function apiAnswers(status: number, body?: unknown) {
  const calls: { url: string; body: unknown }[] = [];
  vi.stubGlobal("fetch", async (url: string, init: RequestInit) => {
    calls.push({ url, body: JSON.parse(String(init.body)) });
    return new Response(body === undefined ? null : JSON.stringify(body), { status });
  });
  return calls;
}

afterEach(() => vi.unstubAllGlobals());

describe("POST /bff/auth/password-reset", () => {
  it("passes the token and password to the API and ends this browser's session too", async () => {
    const calls = apiAnswers(204);
    const response = await POST(resetRequest({ token: "t.secret", new_password: "a-new-password" }));
    expect(response.status).toBe(204);
    expect(calls).toEqual([
      { url: "http://127.0.0.1:8000/api/v1/auth/password-reset", body: { token: "t.secret", new_password: "a-new-password" } },
    ]);
    const cleared = response.cookies.getAll().filter((cookie) => cookie.name === "icop_access" || cookie.name === "icop_refresh");
    expect(cleared.map((cookie) => [cookie.name, cookie.value, cookie.maxAge])).toEqual([
      ["icop_access", "", 0],
      ["icop_refresh", "", 0],
    ]);
  });

  it("passes a used or expired link's problem through and keeps the cookies", async () => {
    apiAnswers(400, { code: "invalid_token", title: "This link is unknown, already used or expired", status: 400 });
    const response = await POST(resetRequest({ token: "t.used", new_password: "a-new-password" }));
    expect(response.status).toBe(400);
    expect(((await response.json()) as { code: string }).code).toBe("invalid_token");
    expect(response.cookies.getAll()).toEqual([]);
  });

  it("refuses a cross-site request before the API sees it", async () => {
    const calls = apiAnswers(204);
    const forged = new NextRequest(`${ORIGIN}/bff/auth/password-reset`, {
      method: "POST",
      headers: { origin: "https://evil.example", "content-type": "application/json" },
      body: "{}",
    });
    expect((await POST(forged)).status).toBe(403);
    expect(calls).toEqual([]);
  });
});
