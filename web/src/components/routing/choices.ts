// The models a task can be routed to, as the API lists them: every candidate of every task in
// `GET /llm/routing` (the platform's policy names each model it knows and prices it).

export interface CandidateLike {
  provider: string;
  model: string;
  configured: boolean;
  input_usd_per_million: string | number;
  output_usd_per_million: string | number;
}

export interface Choice {
  key: string;
  label: string;
  configured: boolean;
}

export function keyOf(candidate: { provider: string; model: string }): string {
  return `${candidate.provider}/${candidate.model}`;
}

export interface Tuning {
  temperature?: number | null;
  max_tokens?: number | null;
  timeout_s?: number | null;
  max_attempts?: number | null;
}

/** The tuning a candidate carries (the fields the API set), to send back when its route is
 * saved again: leaving them out would reset them to the policy's defaults. */
export function tuningOf(candidate: Tuning | undefined): Tuning {
  const kept: Tuning = {};
  if (!candidate) return kept;
  for (const field of ["temperature", "max_tokens", "timeout_s", "max_attempts"] as const) {
    const value = candidate[field];
    if (value !== null && value !== undefined) kept[field] = value;
  }
  return kept;
}

/** Distinct provider/model pairs, configured ones first, then by name; each labelled with its
 * price per million tokens in and out and whether its provider is configured. */
export function choicesOf(routes: { candidates: CandidateLike[] }[], notConfigured = "not configured"): Choice[] {
  const seen = new Map<string, Choice>();
  for (const route of routes) {
    for (const candidate of route.candidates) {
      const key = keyOf(candidate);
      if (seen.has(key)) continue;
      const price = `$${Number(candidate.input_usd_per_million)}/$${Number(candidate.output_usd_per_million)} per 1M`;
      seen.set(key, {
        key,
        label: `${key} · ${price}${candidate.configured ? "" : ` (${notConfigured})`}`,
        configured: candidate.configured,
      });
    }
  }
  return [...seen.values()].sort((a, b) => Number(b.configured) - Number(a.configured) || a.key.localeCompare(b.key));
}

/** The list with the item at `index` moved one place up (-1) or down (+1). */
export function moved<T>(list: T[], index: number, by: -1 | 1): T[] {
  const to = index + by;
  if (to < 0 || to >= list.length) return list;
  const copy = [...list];
  const item = copy[index];
  const other = copy[to];
  if (item === undefined || other === undefined) return list;
  copy[index] = other;
  copy[to] = item;
  return copy;
}
