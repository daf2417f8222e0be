"""How a plan row's topic is recognised again: by its normalised text, not its row number
(a person may insert or move rows between runs)."""

from __future__ import annotations

import hashlib
import unicodedata


def topic_key(topic: str) -> str:
    normal = " ".join(unicodedata.normalize("NFKC", topic).casefold().split())
    return hashlib.sha256(normal.encode()).hexdigest()[:32]
