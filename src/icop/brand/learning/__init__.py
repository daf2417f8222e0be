"""Brand learning: a kit proposed from what a tenant gives (images, HTML/CSS, writing).

Each source has its own small extractor (``colours``, ``styles``, ``tone``); ``agent`` puts
their findings together into a proposal that a person accepts, edits or rejects (ADR 0030).
"""
