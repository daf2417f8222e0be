"""STORM and GPT-Researcher run side by side with ICOP on the evaluation topics
(``python -m benchmarks.peers``; see ``__main__``). Nothing here may import a peer's packages:
those live in the peers' own virtual environments and are only used by the runner scripts."""
