import { describe, expect, it } from "vitest";

import { choicesOf, moved, tuningOf } from "./choices";

const local = { provider: "local", model: "default", configured: true, input_usd_per_million: "0", output_usd_per_million: "0" };
const openai = { provider: "openai", model: "gpt-4.1-mini", configured: false, input_usd_per_million: "0.40", output_usd_per_million: "1.60" };

describe("choicesOf", () => {
  it("lists each model the API names once, configured first, priced", () => {
    const choices = choicesOf([{ candidates: [openai, local] }, { candidates: [local] }], "없음");
    expect(choices.map((choice) => choice.key)).toEqual(["local/default", "openai/gpt-4.1-mini"]);
    expect(choices[1]?.label).toBe("openai/gpt-4.1-mini · $0.4/$1.6 per 1M (없음)");
  });
});

describe("moved", () => {
  it("swaps with the neighbour and stays put at the ends", () => {
    expect(moved(["a", "b", "c"], 1, -1)).toEqual(["b", "a", "c"]);
    expect(moved(["a", "b", "c"], 1, 1)).toEqual(["a", "c", "b"]);
    expect(moved(["a", "b"], 0, -1)).toEqual(["a", "b"]);
  });
});

describe("tuningOf", () => {
  it("keeps the fields a candidate set and drops the unset ones", () => {
    expect(tuningOf({ temperature: 0.7, max_tokens: null, timeout_s: undefined, max_attempts: 3 })).toEqual({ temperature: 0.7, max_attempts: 3 });
  });
  it("gives nothing for a model the task did not have", () => {
    expect(tuningOf(undefined)).toEqual({});
  });
  it("keeps a temperature of zero", () => {
    expect(tuningOf({ temperature: 0 })).toEqual({ temperature: 0 });
  });
});
