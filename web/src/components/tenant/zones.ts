/** The IANA zones this browser knows, for the time-zone picker: Intl's list (which leaves
 * out "UTC" in some engines, though every engine formats in it) with UTC first. The API
 * checks the choice against its own zone database and refuses what it does not know. */
export function timeZoneOptions(): string[] {
  const known = typeof Intl.supportedValuesOf === "function" ? Intl.supportedValuesOf("timeZone") : [];
  return ["UTC", ...known.filter((zone) => zone !== "UTC").sort()];
}

/** The zone's offset from UTC at `when`, as the picker shows it beside the name ("GMT+9"). */
export function zoneOffset(zone: string, when: Date = new Date()): string {
  try {
    const parts = new Intl.DateTimeFormat("en-US", { timeZone: zone, timeZoneName: "shortOffset" }).formatToParts(when);
    return parts.find((part) => part.type === "timeZoneName")?.value ?? "";
  } catch {
    return "";
  }
}
