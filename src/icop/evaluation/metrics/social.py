"""Social copy: is each platform's post valid for its platform as the copywriter wrote it, and
after the platform validator's auto-fix (icop.platforms.validation, the stage that runs right
before publishing)?

The article's post is the validator's output for the copywriter's draft: the draft was valid as
written when the validator passed it without changing anything, and the post is valid after the
fix when the validator passed it (its ``ok``)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from icop.evaluation.records import SocialRecord


@dataclass(frozen=True)
class SocialValidity:
    posts: int
    valid_before: int
    valid_after: int
    problems: tuple[str, ...] = ()

    @property
    def before_share(self) -> float | None:
        return self.valid_before / self.posts if self.posts else None

    @property
    def after_share(self) -> float | None:
        return self.valid_after / self.posts if self.posts else None


def social_validity(posts: Sequence[SocialRecord]) -> SocialValidity:
    before = sum(1 for post in posts if post.ok and not post.changes and post.draft_text)
    after = sum(1 for post in posts if post.ok and post.text.strip())
    problems = tuple(
        f"{post.platform}: {problem}"[:200]
        for post in posts
        if not post.ok
        for problem in post.problems or ["no text"]
    )
    return SocialValidity(len(posts), before, after, problems)
