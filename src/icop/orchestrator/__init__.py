"""Temporal, the one orchestrator (PRODUCT.md §3): the embedded dev server, client connection,
task queues, workers, readiness and a diagnostic workflow.

Kept import-free on purpose: the workflow sandbox re-imports workflow modules and their parent
packages for every workflow run, so a heavy ``__init__`` would slow every workflow task.
"""
