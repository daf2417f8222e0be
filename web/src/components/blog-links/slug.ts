/** The blog address rule the API enforces (icop.articles.publishing_schemas.BlogSlugUpdate):
 * lower-case a-z, digits, single hyphens between them, 3 to 60 characters. Checked here too so
 * the field says what is wrong before a round trip. */
export const BLOG_SLUG = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
export const BLOG_SLUG_MIN = 3;
export const BLOG_SLUG_MAX = 60;

export type SlugProblem = "length" | "characters" | null;

export function slugProblem(value: string): SlugProblem {
  if (value.length < BLOG_SLUG_MIN || value.length > BLOG_SLUG_MAX) return "length";
  return BLOG_SLUG.test(value) ? null : "characters";
}
