/** The part of a pipeline's row defaults that says what happens to a finished article. */

export const PLATFORMS = ["facebook", "instagram", "threads", "x"] as const;
export type Platform = (typeof PLATFORMS)[number];

/** The defaults to send with `PATCH /pipelines/{id}`: the API replaces them whole, so every
 * other default (mode, language, length, sub-topic count…) is sent back as it was. */
export function withPublishing(
  defaults: Record<string, unknown>,
  approvalRequired: boolean,
  platforms: readonly string[],
): Record<string, unknown> {
  return {
    ...defaults,
    approval_required: approvalRequired,
    // In the order the API lists them, once each.
    platforms: PLATFORMS.filter((platform) => platforms.includes(platform)),
  };
}

/** The platforms a pipeline's defaults name (unknown names dropped). */
export function platformsOf(defaults: Record<string, unknown>): Platform[] {
  const named = Array.isArray(defaults.platforms) ? defaults.platforms : [];
  return PLATFORMS.filter((platform) => named.includes(platform));
}
