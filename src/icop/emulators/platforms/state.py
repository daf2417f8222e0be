"""The emulator's memory: accounts, tokens, posts, media containers, rate windows and faults.

One lock guards everything: the HTTP handlers run on uvicorn's loop while tests and the admin
API read and change the same state from other threads. Ids come from one counter, so a run that
makes the same calls gets the same ids.
"""

from __future__ import annotations

import random
import secrets
import threading
import time
from dataclasses import dataclass, field, fields
from typing import Literal

from icop.platforms import Platform

FaultKind = Literal[
    "rate_limit",
    "server_error",
    "expire_token",
    "drop_after_create",
    "timeout",
    # Videos: the upload connection dies halfway (the bytes received so far are kept, as a
    # resumable upload server keeps them), or processing ends in an error.
    "interrupt_upload",
    "processing_error",
]
# Which calls a fault applies to: "create" is the call that makes the post visible (Facebook
# /feed or a published /photos, media_publish, threads_publish, POST /2/tweets).
FaultScope = Literal["any", "create", "read", "container", "upload"]
Operation = Literal["create", "read", "container", "upload", "token"]

DAY_S = 86_400
X_WINDOW_S = 15 * 60

# Lifetimes the real platforms document (seconds).
X_ACCESS_TTL_S = 2 * 3600
META_SHORT_TTL_S = 2 * 3600
META_LONG_TTL_S = 60 * DAY_S
THREADS_SHORT_TTL_S = 3600
THREADS_LONG_TTL_S = 60 * DAY_S


@dataclass(slots=True)
class Account:
    platform: Platform
    account_id: str
    name: str
    owner: str = "default"
    # Instagram: the Facebook Page it is linked to (its page token also works for it).
    page_id: str | None = None
    # Instagram/Threads: posts per rolling 24 h. X: create calls per 15-minute window.
    publishing_limit: int | None = None
    # X: create calls per 24 h (the x-user-limit-24hour-* headers); None = not reported.
    daily_limit: int | None = None
    token_ttl_s: int | None = None


@dataclass(slots=True)
class Token:
    value: str
    platform: Platform | Literal["meta_user"]
    owner: str
    account_ids: frozenset[str]
    expires_at: float | None
    scopes: tuple[str, ...] = ()
    refresh_token: str | None = None
    issued_at: float = 0.0


@dataclass(slots=True)
class Post:
    platform: Platform
    account_id: str
    post_id: str
    text: str
    created_at: float
    media: tuple[str, ...] = ()
    reply_to: str | None = None
    link: str | None = None
    topic_tag: str | None = None
    kind: str = "TEXT"


@dataclass(slots=True)
class Container:
    platform: Platform
    account_id: str
    container_id: str
    media_type: str
    text: str
    created_at: float
    image_url: str | None = None
    children: tuple[str, ...] = ()
    reply_to: str | None = None
    topic_tag: str | None = None
    is_carousel_item: bool = False
    polls_until_finished: int = 0
    error: str | None = None
    published_id: str | None = None
    video_id: str | None = None  # a video container: its Video in ``EmulatorState.videos``


@dataclass(slots=True)
class Video:
    """One uploaded (or fetched-by-URL) video: the bytes received so far, and when its
    processing ends. ``ready_at`` is None until every byte has arrived."""

    video_id: str
    platform: Platform
    account_id: str
    created_at: float
    file_size: int | None = None
    data: bytearray = field(default_factory=bytearray)
    source_url: str | None = None
    ready_at: float | None = None
    error: str | None = None

    def status(self, now: float) -> str:
        if self.error:
            return "ERROR"
        if self.ready_at is None or now < self.ready_at:
            return "IN_PROGRESS"
        return "FINISHED"


@dataclass(slots=True)
class Fault:
    fault_id: int
    platform: Platform
    kind: FaultKind
    account_id: str | None = None
    on: FaultScope = "any"
    count: int | None = None
    probability: float | None = None
    reset_s: int = 60
    delay_s: float = 30.0
    fired: int = 0


@dataclass(slots=True)
class AuthCode:
    provider: str
    owner: str
    client_id: str
    redirect_uri: str
    code_challenge: str | None
    scopes: tuple[str, ...]
    expires_at: float


@dataclass(slots=True)
class Window:
    start: float
    count: int = 0


_CONFIG_FIELDS = (
    "seed",
    "ig_polls_until_finished",
    "threads_polls_until_finished",
    "ig_default_limit",
    "threads_default_limit",
    "x_default_window_limit",
    "video_processing_s",
)


@dataclass
class EmulatorState:
    seed: int = 7
    ig_polls_until_finished: int = 1
    threads_polls_until_finished: int = 0
    ig_default_limit: int = 100
    threads_default_limit: int = 250
    x_default_window_limit: int = 100
    # How long a complete video takes to process (the emulator's clock, so tests can advance it).
    video_processing_s: float = 0.0
    lock: threading.RLock = field(default_factory=threading.RLock)
    clock_offset_s: float = 0.0
    accounts: dict[tuple[Platform, str], Account] = field(default_factory=dict)
    tokens: dict[str, Token] = field(default_factory=dict)
    refresh_tokens: dict[str, str] = field(default_factory=dict)
    posts: list[Post] = field(default_factory=list)
    # The benchmark sends 10,000 posts: per-account lists and an id set keep lookups cheap.
    posts_by_account: dict[tuple[Platform, str], list[Post]] = field(default_factory=dict)
    post_ids: set[tuple[Platform, str]] = field(default_factory=set)
    containers: dict[str, Container] = field(default_factory=dict)
    media: dict[str, str] = field(default_factory=dict)
    videos: dict[str, Video] = field(default_factory=dict)
    faults: list[Fault] = field(default_factory=list)
    codes: dict[str, AuthCode] = field(default_factory=dict)
    windows: dict[tuple[str, str], Window] = field(default_factory=dict)
    # Bumped by every request (the app's middleware): what tells the keeper the state changed.
    revision: int = 0
    _next_id: int = 1_000_000_000_000_000
    _next_fault: int = 0
    _rng: random.Random = field(default_factory=random.Random)

    def __post_init__(self) -> None:
        self._rng.seed(self.seed)

    # --- clock and ids ----------------------------------------------------------------------
    def now(self) -> float:
        return time.time() + self.clock_offset_s

    def advance(self, seconds: float) -> None:
        with self.lock:
            self.clock_offset_s += seconds

    def new_id(self) -> str:
        with self.lock:
            self._next_id += 1
            return str(self._next_id)

    def reset(self) -> None:
        """Forget everything but the configuration (seed, polls, default limits)."""
        with self.lock:
            config = {name: getattr(self, name) for name in _CONFIG_FIELDS}
            fresh = EmulatorState(**config)
            for item in fields(self):
                if item.name not in _CONFIG_FIELDS and item.name not in ("lock", "revision"):
                    setattr(self, item.name, getattr(fresh, item.name))
            self.revision += 1

    # --- accounts and tokens ------------------------------------------------------------------
    def add_account(
        self,
        platform: Platform,
        *,
        account_id: str | None = None,
        name: str | None = None,
        owner: str = "default",
        page_id: str | None = None,
        publishing_limit: int | None = None,
        daily_limit: int | None = None,
        token_ttl_s: int | None = None,
    ) -> Account:
        with self.lock:
            key_id = account_id or self.new_id()
            existing = self.accounts.get((platform, key_id))
            if existing is not None:
                return existing
            account = Account(
                platform=platform,
                account_id=key_id,
                name=name or f"{platform.value}-{key_id[-4:]}",
                owner=owner,
                page_id=page_id,
                publishing_limit=publishing_limit,
                daily_limit=daily_limit,
                token_ttl_s=token_ttl_s,
            )
            self.accounts[(platform, key_id)] = account
            return account

    def account(self, platform: Platform, account_id: str) -> Account | None:
        with self.lock:
            return self.accounts.get((platform, account_id))

    def owned(self, platform: Platform, owner: str) -> list[Account]:
        with self.lock:
            return [
                account
                for account in self.accounts.values()
                if account.platform is platform and account.owner == owner
            ]

    def issue_token(
        self,
        platform: Platform | Literal["meta_user"],
        *,
        owner: str,
        account_ids: frozenset[str] = frozenset(),
        ttl_s: int | None,
        scopes: tuple[str, ...] = (),
        refreshable: bool = False,
    ) -> Token:
        with self.lock:
            prefix = {
                "meta_user": "EAAU",
                Platform.FACEBOOK: "EAAP",
                Platform.INSTAGRAM: "EAAI",
                Platform.THREADS: "THAA",
                Platform.X: "xat",
            }[platform]
            now = self.now()
            token = Token(
                value=f"{prefix}-{secrets.token_urlsafe(18)}",
                platform=platform,
                owner=owner,
                account_ids=account_ids,
                expires_at=now + ttl_s if ttl_s else None,
                scopes=scopes,
                issued_at=now,
            )
            if refreshable:
                token.refresh_token = f"xrt-{secrets.token_urlsafe(18)}"
                self.refresh_tokens[token.refresh_token] = token.value
            self.tokens[token.value] = token
            return token

    def token(self, value: str | None) -> Token | None:
        with self.lock:
            return self.tokens.get(value or "")

    def expired(self, token: Token) -> bool:
        return token.expires_at is not None and token.expires_at <= self.now()

    def covers(self, token: Token, platform: Platform, account_id: str) -> bool:
        """A Page token also acts for the Page's linked Instagram account."""
        with self.lock:
            if account_id in token.account_ids:
                return token.platform in (platform, Platform.FACEBOOK)
            if platform is Platform.INSTAGRAM and token.platform is Platform.FACEBOOK:
                account = self.accounts.get((platform, account_id))
                return account is not None and account.page_id in token.account_ids
            return False

    def expire(self, value: str) -> None:
        with self.lock:
            token = self.tokens.get(value)
            if token is not None:
                token.expires_at = self.now() - 1

    def rotate_refresh(self, refresh_token: str, *, ttl_s: int) -> Token | None:
        """X's refresh: the old refresh token is spent, a new pair comes back."""
        with self.lock:
            old_value = self.refresh_tokens.pop(refresh_token, None)
            old = self.tokens.get(old_value or "")
            if old is None:
                return None
            return self.issue_token(
                old.platform,
                owner=old.owner,
                account_ids=old.account_ids,
                ttl_s=ttl_s,
                scopes=old.scopes,
                refreshable=True,
            )

    # --- posts --------------------------------------------------------------------------------
    def add_post(self, post: Post) -> Post:
        with self.lock:
            self.posts.append(post)
            self.posts_by_account.setdefault((post.platform, post.account_id), []).append(post)
            self.post_ids.add((post.platform, post.post_id))
            return post

    def post_exists(self, platform: Platform, post_id: str) -> bool:
        with self.lock:
            return (platform, post_id) in self.post_ids

    def posts_of(
        self, platform: Platform | None = None, account_id: str | None = None
    ) -> list[Post]:
        with self.lock:
            if platform is not None and account_id is not None:
                return list(self.posts_by_account.get((platform, account_id), ()))
            return [
                post
                for post in self.posts
                if (platform is None or post.platform is platform)
                and (account_id is None or post.account_id == account_id)
            ]

    def published_in_window(self, platform: Platform, account_id: str) -> list[Post]:
        since = self.now() - DAY_S
        return [post for post in self.posts_of(platform, account_id) if post.created_at > since]

    def count_window(self, key: tuple[str, str], length_s: int) -> Window:
        """A fixed window (X's model): starts at the first call, resets after ``length_s``."""
        with self.lock:
            now = self.now()
            window = self.windows.get(key)
            if window is None or now >= window.start + length_s:
                window = Window(start=now)
                self.windows[key] = window
            return window

    # --- videos -------------------------------------------------------------------------------
    def add_video(
        self,
        platform: Platform,
        account_id: str,
        *,
        file_size: int | None = None,
        source_url: str | None = None,
    ) -> Video:
        """A video waiting for its bytes, or (``source_url``) one fetched from a URL: that one
        is complete at once and processes from now."""
        with self.lock:
            video = Video(
                video_id=self.new_id(),
                platform=platform,
                account_id=account_id,
                created_at=self.now(),
                file_size=file_size,
                source_url=source_url,
            )
            if source_url is not None:
                video.ready_at = self.now() + self.video_processing_s
            self.videos[video.video_id] = video
            return video

    def receive_video_bytes(self, video: Video, offset: int, chunk: bytes) -> None:
        with self.lock:
            del video.data[offset:]
            video.data.extend(chunk)
            if video.file_size is None or len(video.data) >= video.file_size:
                video.ready_at = self.now() + self.video_processing_s

    def fail_processing(self, platform: Platform, account_id: str, video: Video) -> None:
        """An armed ``processing_error`` fault turns this video's processing into an error."""
        with self.lock:
            fault = next(
                (
                    f
                    for f in self.faults
                    if f.kind == "processing_error"
                    and f.platform is platform
                    and f.account_id in (None, account_id)
                    and (f.count is None or f.fired < f.count)
                ),
                None,
            )
            if fault is not None:
                fault.fired += 1
                video.error = "The video could not be processed (emulated processing error)."

    # --- faults -------------------------------------------------------------------------------
    def add_fault(self, fault: Fault) -> Fault:
        with self.lock:
            self._next_fault += 1
            fault.fault_id = self._next_fault
            if fault.count is None and fault.probability is None:
                fault.count = 1
            self.faults.append(fault)
            return fault

    def take_fault(self, platform: Platform, account_id: str | None, op: Operation) -> Fault | None:
        """The first armed fault matching this call, consumed (a count) or drawn (a
        probability, from the seeded generator)."""
        with self.lock:
            for fault in self.faults:
                if fault.platform is not platform or fault.kind == "processing_error":
                    continue
                if fault.account_id is not None and fault.account_id != account_id:
                    continue
                scope = "create" if fault.kind == "drop_after_create" else fault.on
                if scope != "any" and scope != op:
                    continue
                if op == "token":
                    continue
                if fault.count is not None and fault.fired >= fault.count:
                    continue
                if fault.probability is not None and self._rng.random() >= fault.probability:
                    continue
                fault.fired += 1
                return fault
            return None
