/** The learn form's text boxes as the API's repeated fields. */

/** Splits text samples written in one box: a blank line, or a line of "---", between them. */
export function splitSamples(value: string): string[] {
  return value
    .split(/\n\s*(?:-{3,}\s*)?\n/)
    .map((sample) => sample.trim())
    .filter(Boolean);
}

export function splitUrls(value: string): string[] {
  return value
    .split(/\s+/)
    .map((url) => url.trim())
    .filter(Boolean);
}
