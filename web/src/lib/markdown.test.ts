import { describe, expect, it } from "vitest";

import { withoutFrontMatter } from "./markdown";

describe("withoutFrontMatter", () => {
  it("drops the YAML block at the top and keeps the article", () => {
    const file = "---\ntitle: Compost\nlanguage: en\n---\n\n# Compost\n\nText.\n";
    expect(withoutFrontMatter(file)).toBe("# Compost\n\nText.\n");
  });

  it("leaves an article without front matter, and a rule inside it, alone", () => {
    const body = "# Compost\n\nText.\n\n---\n\nMore.\n";
    expect(withoutFrontMatter(body)).toBe(body);
  });
});
