"""Finding a post an ambiguous call may have created, among the account's recent posts.

Platforms rewrite what we send in small ways (X wraps links in t.co, some trim whitespace or
normalise Unicode), so texts are compared after the same normalisation on both sides. A match
must also answer the same post (threads), and must not be a post we already know."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection, Sequence

from icop.syndication.platforms.base import RemotePost

_URL = re.compile(r"https?://\S+", re.IGNORECASE)
_SPACE = re.compile(r"\s+")


def normalise(text: str) -> str:
    text = unicodedata.normalize("NFKC", text)
    text = _URL.sub("<url>", text)
    return _SPACE.sub(" ", text).strip().casefold()


def find_match(
    candidates: Sequence[RemotePost],
    *,
    text: str,
    reply_to: str | None,
    known_ids: Collection[str] = (),
) -> RemotePost | None:
    wanted = normalise(text)
    matches = [
        remote
        for remote in candidates
        if remote.platform_post_id not in known_ids
        and remote.reply_to == reply_to
        and normalise(remote.text) == wanted
    ]
    if not matches:
        return None
    # The platform lists newest first; the oldest match is the one our call created first.
    return matches[-1]
