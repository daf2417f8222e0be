/** The time zone pages show times in: the signed-in tenant's (`time_zone` of `GET /tenant`,
 * the zone its pipeline schedules also run by), UTC before sign-in and on the public blog,
 * whose readers are anywhere. */

import { cookies, headers } from "next/headers";
import { cache } from "react";

import { ACCESS_COOKIE } from "@/lib/session/cookies";
import { apiBaseUrl } from "@/lib/session/upstream";

export const FALLBACK_TIME_ZONE = "UTC";

/** A zone this runtime can format in: a zone the API accepted but an older ICU lacks must not
 * break every page (Intl throws a RangeError for an unknown zone). */
export function usableZone(zone: unknown): zone is string {
  if (typeof zone !== "string" || !zone) return false;
  try {
    new Intl.DateTimeFormat("en", { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** Once per request (React's cache): the layout, the page and next-intl share one answer. */
export const tenantTimeZone = cache(async (): Promise<string> => {
  // The middleware marks every dashboard page with its path; the public blog is not behind it.
  const dashboardPage = (await headers()).has("x-icop-path");
  const token = (await cookies()).get(ACCESS_COOKIE)?.value;
  if (!token || !dashboardPage) return FALLBACK_TIME_ZONE;
  try {
    const response = await fetch(`${apiBaseUrl()}/api/v1/tenant`, {
      headers: { authorization: `Bearer ${token}` },
      cache: "no-store",
    });
    if (!response.ok) return FALLBACK_TIME_ZONE;
    const zone = ((await response.json()) as { time_zone?: unknown }).time_zone;
    return usableZone(zone) ? zone : FALLBACK_TIME_ZONE;
  } catch {
    // The API away: the page itself will say so; its times still need a zone.
    return FALLBACK_TIME_ZONE;
  }
});
