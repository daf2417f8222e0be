"""Local stand-ins for the outside world, kept apart from the product code: a Google Sheets API
emulator (``sheets``) and a platform emulator speaking the Graph, Threads and X APIs
(``platforms``, the embedded default for publishing). They enforce the documented limits and
answer with the documented shapes, so the product's real clients are tested against them.
Product packages never import them; the CLI starts them, tests and benchmarks drive them."""
