import { describe, expect, it } from "vitest";

import { timeZoneOptions, zoneOffset } from "./zones";

describe("timeZoneOptions", () => {
  it("lists UTC first, once, and the IANA zones after it", () => {
    const zones = timeZoneOptions();
    expect(zones[0]).toBe("UTC");
    expect(zones.filter((zone) => zone === "UTC")).toHaveLength(1);
    expect(zones).toContain("Asia/Seoul");
    expect(zones).toContain("America/New_York");
  });

  it("shows each zone's offset at a given moment, daylight saving included", () => {
    expect(zoneOffset("Asia/Seoul", new Date("2026-12-07T00:00:00Z"))).toBe("GMT+9");
    expect(zoneOffset("America/New_York", new Date("2026-07-01T00:00:00Z"))).toBe("GMT-4");
    expect(zoneOffset("America/New_York", new Date("2026-12-07T00:00:00Z"))).toBe("GMT-5");
    expect(zoneOffset("Not/AZone")).toBe("");
  });
});
