"""The nightly TrendPipeline (issue #15): collect → clean → embed → ingest → cluster, per
tenant on a Temporal Schedule; its trends reach research (the knowledge store) and the plan
(suggestions a user promotes)."""
