import { describe, expect, it } from "vitest";

import { addDays, dayKey, fromLocalInput, monthGrid, movedTo, weekGrid, zonedInstant } from "./zoned";

describe("calendar days in a time zone", () => {
  it("keys an instant by the zone's wall calendar", () => {
    const instant = new Date("2026-12-06T20:30:00Z");
    expect(dayKey(instant, "UTC")).toBe("2026-12-06");
    expect(dayKey(instant, "Asia/Seoul")).toBe("2026-12-07");
  });

  it("moves a post to another day at the same wall time, across a DST change", () => {
    // 09:15 in New York on 31 October (EDT) is 13:15Z; on 2 November (EST) it is 14:15Z.
    const moved = movedTo(new Date("2026-10-31T13:15:00Z"), "2026-11-02", "America/New_York");
    expect(moved.toISOString()).toBe("2026-11-02T14:15:00.000Z");
    const slot = movedTo(new Date("2026-12-07T01:00:00Z"), "2026-12-08", "Asia/Seoul", 14);
    expect(slot.toISOString()).toBe("2026-12-08T05:00:00.000Z");
  });

  it("reads a datetime-local value in the zone", () => {
    expect(fromLocalInput("2026-12-24T09:00", "Asia/Seoul")?.toISOString()).toBe("2026-12-24T00:00:00.000Z");
    expect(fromLocalInput("nonsense", "UTC")).toBeNull();
    expect(zonedInstant({ year: 2026, month: 1, day: 1, hour: 0, minute: 0 }, "UTC").toISOString()).toBe("2026-01-01T00:00:00.000Z");
  });

  it("lays out whole Monday-first weeks", () => {
    const days = monthGrid("2026-12-15");
    expect(days[0]).toBe("2026-11-30");
    expect(days.length % 7).toBe(0);
    expect(days.at(-1)).toBe("2027-01-03");
    expect(weekGrid("2026-12-10")).toEqual(["2026-12-07", "2026-12-08", "2026-12-09", "2026-12-10", "2026-12-11", "2026-12-12", "2026-12-13"]);
    expect(addDays("2026-12-31", 1)).toBe("2027-01-01");
  });
});
