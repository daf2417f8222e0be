"""Finding a post an ambiguous call may have created, among the account's recent posts.

Platforms rewrite what we send in small ways (X wraps links in t.co, some trim whitespace or
normalise Unicode), so texts are compared after the same normalisation on both sides. A match
must also answer the same post (threads), and must not be a post we already know."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection, Sequence
from datetime import datetime

from icop.syndication.platforms.base import AccountAuth, PlatformClient, RemotePost

# The account's posts since the intent are read newest first, page by page.
PAGE_SIZE = 100
MAX_PAGES = 20
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


async def recent_since(
    client: PlatformClient, auth: AccountAuth, since: datetime
) -> list[RemotePost]:
    """The account's posts since ``since``, every page of them, newest first. One page would
    do for a quiet account, but a busy one can create more posts after ours than a page
    holds, and a post missed here would be reported unconfirmed although it exists."""
    found: dict[str, RemotePost] = {}
    until: datetime | None = None
    for _ in range(MAX_PAGES):
        page = await client.recent_posts(auth, since=since, until=until, limit=PAGE_SIZE)
        fresh = [post for post in page if post.platform_post_id not in found]
        found.update((post.platform_post_id, post) for post in fresh)
        times = [post.created_at for post in fresh if post.created_at is not None]
        if len(page) < PAGE_SIZE or not times:
            break
        # Time paging, to the second: the oldest second comes again, minus what we have.
        until = min(times)
    oldest = datetime.min.replace(tzinfo=since.tzinfo)
    return sorted(found.values(), key=lambda post: post.created_at or oldest, reverse=True)
