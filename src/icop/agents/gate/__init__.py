"""The publishability gate: deterministic checks between the article graph and ``ready`` — no
prompt scaffolding, no repetition loop, no citation its passage does not support, references
that resolve, one title, real keywords, the language asked for (ADR 0013)."""
