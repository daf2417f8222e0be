"""What the four social platforms are and what each accepts, in one place for every service:
the images they take (``images``) and the posts they take, with the validator that fits a draft
to them (``validation``). Pure facts and rules: no I/O, and nothing here imports another
ICOP service, so images, agents, planning and syndication can all depend on it."""

from __future__ import annotations

from enum import StrEnum


class Platform(StrEnum):
    INSTAGRAM = "instagram"
    THREADS = "threads"
    FACEBOOK = "facebook"
    X = "x"
