// The SEO fields' limits, the same the API checks (icop.articles.schemas.SeoFields, after the
// SEO agent's SeoMeta): lengths in characters as Python counts them (code points).
export const SEO_LIMITS = { title: 60, meta_description: 160, slug: 80, items: 10, keyword: 60, hashtag: 40 } as const;

export interface SeoValues {
  title: string;
  meta_description: string;
  slug: string;
  keywords: string[];
  hashtags: string[];
}

/** A message key of review.seo, or null when the field is fine. */
type Problem = "empty" | "tooLong" | "tooMany" | "itemTooLong" | "duplicate" | null;

export interface SeoProblems {
  title: Problem;
  meta_description: Problem;
  slug: Problem;
  keywords: Problem;
  hashtags: Problem;
  lengths: { title: number; meta_description: number; slug: number };
  any: boolean;
}

/** Characters as the API counts them: a Korean syllable or an emoji is one. */
export function length(text: string): number {
  return [...text].length;
}

/** A typed list split on `separator`, trimmed, empty entries dropped. */
export function splitList(text: string, separator: RegExp): string[] {
  return text
    .split(separator)
    .map((item) => item.trim())
    .filter(Boolean);
}

function text(value: string, limit: number): Problem {
  if (!value.trim()) return "empty";
  return length(value) > limit ? "tooLong" : null;
}

function list(items: string[], limit: number): Problem {
  if (items.length > SEO_LIMITS.items) return "tooMany";
  if (items.some((item) => length(item) > limit)) return "itemTooLong";
  const folded = items.map((item) => item.toLocaleLowerCase());
  return new Set(folded).size === folded.length ? null : "duplicate";
}

/** What the API would refuse for length, count or repetition. The slug's form (lower-case
 * ASCII words and hyphens) is left to the API, whose answer the form shows. */
export function seoProblems(values: SeoValues): SeoProblems {
  const problems = {
    title: text(values.title, SEO_LIMITS.title),
    meta_description: text(values.meta_description, SEO_LIMITS.meta_description),
    slug: text(values.slug, SEO_LIMITS.slug),
    keywords: list(values.keywords, SEO_LIMITS.keyword),
    hashtags: list(values.hashtags, SEO_LIMITS.hashtag),
  };
  return {
    ...problems,
    lengths: { title: length(values.title), meta_description: length(values.meta_description), slug: length(values.slug) },
    any: Object.values(problems).some((problem) => problem !== null),
  };
}
