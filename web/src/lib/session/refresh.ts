/**
 * Refresh tokens rotate: each works once, and presenting a used one revokes the whole
 * session (the API reads it as a leaked copy). A page load can fire several requests at once
 * that all find the access token expired, so refreshes of the same token are coalesced: the
 * first caller asks the API, the others (and any that arrive within the grace period, e.g. a
 * request that read the old cookie just before the new one was set) share its answer.
 */

import type { TokenPair } from "./cookies";

/** null: the API refused the token (expired, revoked, reused): the session is over. */
export type RefreshCall = (refreshToken: string) => Promise<TokenPair | null>;

interface Flight {
  result: Promise<TokenPair | null>;
  startedAt: number;
}

export interface Refresher {
  (refreshToken: string): Promise<TokenPair | null>;
  readonly pending: number;
}

export function createRefresher(
  call: RefreshCall,
  graceMs = 30_000,
  now: () => number = Date.now,
): Refresher {
  const flights = new Map<string, Flight>();

  const refresh = (refreshToken: string): Promise<TokenPair | null> => {
    const time = now();
    for (const [token, flight] of flights) {
      if (time - flight.startedAt > graceMs) flights.delete(token);
    }
    const existing = flights.get(refreshToken);
    if (existing) return existing.result;
    const result = call(refreshToken);
    flights.set(refreshToken, { result, startedAt: time });
    // A network failure is not an answer: forget it so that the next request tries again.
    result.catch(() => flights.delete(refreshToken));
    return result;
  };
  return Object.defineProperty(refresh, "pending", { get: () => flights.size }) as Refresher;
}
