"""The exactly-once publisher (PRODUCT.md §4): no platform has an idempotency key, so every
call that may create a post is bracketed by our own records.

For each part of a post, in order:
1. the *intent* (a ``publish_attempts`` row, and the quota slot it takes) is committed before
   the call;
2. the platform's id is committed the moment the call answers;
3. an ambiguous answer (timeout, dropped connection), or an intent without an answer found on
   a later run (a crash), is reconciled against the account's recent posts before anything is
   sent again: found → recorded; still absent after a grace delay and a second look → the post
   is ``unconfirmed`` and is never re-posted automatically (the user decides: ``retry``).

Every run starts from the database, so running ``publish`` again (a Temporal retry, a resumed
workflow, a manual retry) continues after the last confirmed part and can never post twice.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Mapping
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID, uuid4

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from icop.config import Settings
from icop.db.session import unit_of_work
from icop.models import (
    AccountStatus,
    AttemptOutcome,
    NotificationKind,
    Post,
    PostStatus,
    PublishAttempt,
)
from icop.notifications import service as notifications
from icop.observability.metrics import record_publish, record_quota_wait
from icop.syndication import events
from icop.syndication.exceptions import AccountNeedsReconnect
from icop.syndication.ledger import QuotaLedger
from icop.syndication.media import MediaPreparer
from icop.syndication.platforms.base import (
    AmbiguousOutcome,
    AuthExpired,
    PermissionDenied,
    Platform,
    PlatformBadRequest,
    PlatformClient,
    PlatformError,
    PlatformRateLimited,
    RemotePost,
    TransientError,
)
from icop.syndication.reconcile import find_match, recent_since
from icop.syndication.repository import AccountRepository, LedgerRepository, PostRepository
from icop.syndication.runs import Pause, PublishOutcome, PublishRun
from icop.syndication.tokens import Clock, TokenManager, utcnow

# Refreshes one run may do after the platform refused the token (a token another run renewed
# meanwhile is picked up without one). More than one: the account's token can expire again
# between our refresh and our call. Past it the post is tried again later, and a token that
# stays refused fails it like any other lasting error (syndication_max_transient_failures).
MAX_AUTH_REFRESHES = 3
OPEN_OUTCOMES = (None, AttemptOutcome.AMBIGUOUS)
# The error code of the check attempt a disaster recovery opens on a restored post that was due
# before the disaster (icop.ops.recovery): the platform is read before anything is sent.
RESTORED_CHECK = "restored_unsent"
Sleep = Callable[[float], Awaitable[None]]


class Publisher:
    def __init__(
        self,
        sessionmaker: async_sessionmaker[AsyncSession],
        tokens: TokenManager,
        clients: Mapping[Platform, PlatformClient],
        settings: Settings,
        *,
        ledger: QuotaLedger | None = None,
        clock: Clock = utcnow,
        sleep: Sleep = asyncio.sleep,
        media: MediaPreparer | None = None,
    ) -> None:
        self.media = media
        self.sessionmaker = sessionmaker
        self.tokens = tokens
        self.clients = clients
        self.settings = settings
        self.ledger = ledger or QuotaLedger(settings)
        self.clock = clock
        self.sleep = sleep

    # --- the run ---------------------------------------------------------------------------

    async def publish(self, tenant_id: UUID, post_id: UUID) -> PublishOutcome:
        run_or_outcome = await self._start(tenant_id, post_id)
        if isinstance(run_or_outcome, PublishOutcome):
            return run_or_outcome
        outcome = await self._publish(run_or_outcome)
        # Counted once per run that reached the platform step: the alerts on unconfirmed and
        # failed posts and the quota-wait panel read these.
        record_publish(run_or_outcome.platform.value, outcome.status.value)
        if outcome.status is Pause.QUOTA and outcome.wait_until is not None:
            wait = (outcome.wait_until - self.clock()).total_seconds()
            record_quota_wait(run_or_outcome.platform.value, wait)
        return outcome

    async def _publish(self, run: PublishRun) -> PublishOutcome:
        tenant_id = run.tenant_id
        try:
            run.auth = await self.tokens.auth(tenant_id, run.account_id)
        except AccountNeedsReconnect as error:
            return await self._fail(run, error.detail)
        await self._refresh_platform_limit(run)
        failure = await self._prepare_media(run)
        if failure is not None:
            return failure
        for index in range(len(run.parts)):
            if run.ids[index] is not None:
                continue
            attempt = run.open_attempts.get(index)
            if attempt is not None and attempt.error_code == RESTORED_CHECK:
                outcome = await self._restored(run, attempt, index)
                if outcome is not None:
                    return outcome
                if run.ids[index] is not None:
                    continue  # it was posted before the disaster: recorded, not sent again
                attempt = None
            outcome = (
                await self._reconcile(run, attempt, index)
                if attempt is not None
                else await self._publish_part(run, index)
            )
            if outcome is not None:
                return outcome
        return await self._finish(run)

    async def _restored(
        self, run: PublishRun, attempt: PublishAttempt, index: int
    ) -> PublishOutcome | None:
        """A post restored from a backup that was due before the disaster may have been sent
        after the backup was taken: look on the platform first. Found → recorded as
        published; absent → the check is closed and the part is sent. One look is enough: a
        post made before the disaster is long listed (no grace for listing lag)."""
        found = await self._look(run, attempt, index)
        if isinstance(found, PublishOutcome):
            return found
        if found is not None:
            await self._confirmed(
                run,
                attempt,
                index,
                found.platform_post_id,
                None,
                outcome=AttemptOutcome.RECONCILED_PUBLISHED,
            )
            return None
        async with unit_of_work(self.sessionmaker, run.tenant_id) as session:
            await PostRepository(session).update_attempt(
                attempt.id, outcome=AttemptOutcome.RECONCILED_ABSENT, reconciled_at=self.clock()
            )
        return None

    async def _start(self, tenant_id: UUID, post_id: UUID) -> PublishRun | PublishOutcome:
        async with unit_of_work(self.sessionmaker, tenant_id) as session:
            posts = PostRepository(session)
            post = await posts.must_get(post_id, lock=True, detail=f"post {post_id} does not exist")
            if post.status.final:
                return PublishOutcome(post.status, reason=post.error)
            account = await AccountRepository(session).get(post.social_account_id)
            assert account is not None
            platform = Platform(post.platform)
            parts = list(post.parts)
            ids: list[str | None] = list(post.platform_post_ids)
            ids += [None] * (len(parts) - len(ids))
            run_open: dict[int, PublishAttempt] = {}
            for attempt in await posts.attempts(post_id):
                if attempt.outcome in OPEN_OUTCOMES and ids[attempt.part_index] is None:
                    run_open[attempt.part_index] = attempt
            await posts.update(post_id, status=PostStatus.PUBLISHING, delay_reason=None)
        client = self.clients.get(platform)
        if client is None:
            return await self._fail_post(
                tenant_id, post_id, f"no {platform.value} client is configured here"
            )
        if account.status != AccountStatus.CONNECTED:
            return await self._fail_post(
                tenant_id,
                post_id,
                account.status_reason or f"the account is {account.status}; connect it again",
            )
        run = PublishRun(tenant_id, post_id, account.id, platform, client, parts, ids)
        run.open_attempts = run_open
        return run

    async def _prepare_media(self, run: PublishRun) -> PublishOutcome | None:
        """Images made fit for the platform before any intent: a refused one fails the post
        without a call."""
        if self.media is None:
            return None
        try:
            run.media = await self.media.prepare_parts(
                run.tenant_id, run.platform, run.parts, run.ids
            )
        except PlatformBadRequest as error:
            return await self._fail(run, _message(error, "an image cannot be sent"))
        return None

    async def _refresh_platform_limit(self, run: PublishRun) -> None:
        """Instagram and Threads report their own window; read it now and then."""
        if run.platform not in (Platform.INSTAGRAM, Platform.THREADS) or run.auth is None:
            return
        async with unit_of_work(self.sessionmaker, run.tenant_id) as session:
            state = await LedgerRepository(session).rate_state(run.account_id)
            if not self.ledger.limit_is_stale(state, self.clock()):
                return
        try:
            limit = await run.client.publishing_limit(run.auth)
        except PlatformError:
            return  # our own ledger still applies; the limit is read again next time
        if limit is None:
            return
        async with unit_of_work(self.sessionmaker, run.tenant_id) as session:
            account = await AccountRepository(session).get(run.account_id)
            assert account is not None
            await self.ledger.record_publishing_limit(session, account, limit, self.clock())

    async def _publish_part(self, run: PublishRun, index: int) -> PublishOutcome | None:
        """None when the part is confirmed; otherwise how the run ends for now."""
        transient = 0
        while True:
            intent = await self._intent(run, index)
            if isinstance(intent, PublishOutcome):
                return intent
            attempt = intent
            assert run.auth is not None
            try:
                published = await run.client.publish(run.auth, run.outgoing(index))
            except AuthExpired as error:
                await self._closed(run, attempt, error, release=True)
                try:
                    if not await self._renew(run):
                        # Refused again and again within one run: try later; a token that
                        # stays refused fails the post after the usual number of tries.
                        return await self._transient(run, error)
                except AccountNeedsReconnect as reconnect:
                    return await self._fail(run, reconnect.detail)
            except PlatformRateLimited as error:
                await self._closed(run, attempt, error, release=True, limited=error)
                return await self._wait(
                    run, PostStatus.WAITING_QUOTA, error.reset_at, _limited(error)
                )
            except TransientError as error:
                await self._closed(run, attempt, error, release=True)
                transient += 1
                if transient <= self.settings.syndication_transient_retries:
                    delay = self.settings.syndication_transient_backoff_s * 2 ** (transient - 1)
                    await self.sleep(delay)
                    continue
                return await self._transient(run, error)
            except AmbiguousOutcome as error:
                await self._answer(
                    run,
                    attempt,
                    outcome=AttemptOutcome.AMBIGUOUS,
                    error=error,
                    answered=self.clock(),
                )
                return await self._reconcile(run, attempt, index)
            except PlatformError as error:
                await self._closed(run, attempt, error, release=True)
                if isinstance(error, PermissionDenied):
                    await self._needs_reconnect(run, _message(error, "permission denied"))
                return await self._fail(run, _message(error, "the platform refused the post"))
            else:
                await self._confirmed(
                    run,
                    attempt,
                    index,
                    published.platform_post_id,
                    published.permalink,
                    outcome=AttemptOutcome.PUBLISHED,
                    rate=published.rate,
                )
                return None

    async def _intent(self, run: PublishRun, index: int) -> PublishAttempt | PublishOutcome:
        async with unit_of_work(self.sessionmaker, run.tenant_id) as session:
            # The account's row lock serialises slot-taking across workers.
            account = await AccountRepository(session).get(run.account_id, lock=True)
            assert account is not None
            now = self.clock()
            slot = await self.ledger.next_slot(session, account, now)
            if not slot.free(now):
                waiting = True
            else:
                waiting = False
                posts = PostRepository(session)
                attempt = await posts.add_attempt(
                    PublishAttempt(
                        tenant_id=run.tenant_id,
                        id=uuid4(),
                        post_id=run.post_id,
                        attempt_no=await posts.next_attempt_no(run.post_id),
                        part_index=index,
                        reply_to=run.reply_to(index),
                        intent_at=now,
                    )
                )
                await self.ledger.take(session, account, attempt.id, now)
        if waiting:
            return await self._wait(run, PostStatus.WAITING_QUOTA, slot.when, slot.reason)
        return attempt

    # --- reconciliation --------------------------------------------------------------------

    async def _reconcile(
        self, run: PublishRun, attempt: PublishAttempt, index: int
    ) -> PublishOutcome | None:
        for look in range(2):
            if look:
                await self.sleep(self.settings.syndication_reconcile_grace_s)
            found = await self._look(run, attempt, index)
            if isinstance(found, PublishOutcome):
                return found
            if found is not None:
                await self._confirmed(
                    run,
                    attempt,
                    index,
                    found.platform_post_id,
                    None,
                    outcome=AttemptOutcome.RECONCILED_PUBLISHED,
                )
                return None
        async with unit_of_work(self.sessionmaker, run.tenant_id) as session:
            await PostRepository(session).update_attempt(attempt.id, reconciled_at=self.clock())
        return await self._unconfirmed(run, attempt)

    async def _look(
        self, run: PublishRun, attempt: PublishAttempt, index: int
    ) -> RemotePost | PublishOutcome | None:
        assert run.auth is not None
        since = attempt.intent_at - timedelta(seconds=self.settings.syndication_reconcile_margin_s)
        while True:
            try:
                recent = await recent_since(run.client, run.auth, since)
                break
            except AuthExpired as error:
                try:
                    renewed = await self._renew(run)
                except AccountNeedsReconnect as reconnect:
                    return await self._fail_unknown(run, attempt, reconnect.detail)
                if not renewed:
                    return await self._check_later(run, error)
            except PlatformRateLimited as error:
                if run.platform is not Platform.X:
                    # Meta throttles the app and the account, not one endpoint: the account's
                    # other posts must wait too. X's read and write windows are separate.
                    await self._throttled(run, error)
                return await self._wait(
                    run, PostStatus.WAITING_QUOTA, error.reset_at, _limited(error)
                )
            except PlatformError as error:
                return await self._check_later(run, error)
        async with unit_of_work(self.sessionmaker, run.tenant_id) as session:
            known = await PostRepository(session).known_platform_ids(
                [remote.platform_post_id for remote in recent]
            )
        known |= {value for value in run.ids if value}
        return find_match(
            recent, text=run.outgoing(index).text, reply_to=attempt.reply_to, known_ids=known
        )

    async def _check_later(self, run: PublishRun, error: PlatformError) -> PublishOutcome:
        # The attempt stays open: the next run looks again before sending anything.
        return await self._wait(
            run,
            PostStatus.SCHEDULED,
            self.clock() + timedelta(seconds=self.settings.syndication_transient_wait_s),
            f"could not check whether the post was created "
            f"({_message(error, 'platform unavailable')}); checking again later",
        )

    async def _renew(self, run: PublishRun) -> bool:
        """After the platform refused ``run.auth``: the token another run stored meanwhile,
        else a refresh. False when this run has refreshed too often already."""
        assert run.auth is not None
        stored = await self.tokens.current(run.tenant_id, run.account_id)
        if stored.access_token != run.auth.access_token:
            run.auth = stored
            return True
        if run.refreshes >= MAX_AUTH_REFRESHES:
            return False
        run.auth = await self.tokens.refresh(run.tenant_id, run.account_id, stale=run.auth)
        run.refreshes += 1
        return True

    async def recheck(self, tenant_id: UUID, post_id: UUID) -> bool:
        """A fresh look for an unconfirmed post's open attempt (manual retry). True: found and
        recorded; False: absent, and the attempt is closed as such."""
        run = await self._start_readonly(tenant_id, post_id)
        run.auth = await self.tokens.auth(tenant_id, run.account_id)
        for index, attempt in sorted(run.open_attempts.items()):
            found = await self._look(run, attempt, index)
            if isinstance(found, PublishOutcome):
                raise PlatformError(
                    found.reason or "the platform could not be checked", platform=run.platform
                )
            if found is None:
                async with unit_of_work(self.sessionmaker, run.tenant_id) as session:
                    await PostRepository(session).update_attempt(
                        attempt.id,
                        outcome=AttemptOutcome.RECONCILED_ABSENT,
                        reconciled_at=self.clock(),
                    )
                    await self.ledger.release(session, attempt.id)
                return False
            await self._confirmed(
                run,
                attempt,
                index,
                found.platform_post_id,
                None,
                outcome=AttemptOutcome.RECONCILED_PUBLISHED,
            )
        return True

    async def _start_readonly(self, tenant_id: UUID, post_id: UUID) -> PublishRun:
        async with unit_of_work(self.sessionmaker, tenant_id) as session:
            posts = PostRepository(session)
            post = await posts.must_get(post_id)
            parts = list(post.parts)
            ids: list[str | None] = list(post.platform_post_ids)
            ids += [None] * (len(parts) - len(ids))
            opened = {
                a.part_index: a
                for a in await posts.attempts(post_id)
                if a.outcome in OPEN_OUTCOMES and ids[a.part_index] is None
            }
            platform = Platform(post.platform)
            account_id = post.social_account_id
        client = self.clients.get(platform)
        if client is None:
            raise PlatformError(f"no {platform.value} client is configured", platform=platform)
        run = PublishRun(tenant_id, post_id, account_id, platform, client, parts, ids)
        run.open_attempts = opened
        return run

    # --- recording -------------------------------------------------------------------------

    async def _answer(
        self,
        run: PublishRun,
        attempt: PublishAttempt,
        *,
        outcome: AttemptOutcome,
        error: PlatformError | None,
        answered: datetime,
        platform_post_id: str | None = None,
    ) -> None:
        async with unit_of_work(self.sessionmaker, run.tenant_id) as session:
            await PostRepository(session).update_attempt(
                attempt.id,
                outcome=outcome,
                answered_at=answered,
                platform_post_id=platform_post_id,
                error_code=error.code if error else None,
                error_message=_message(error, "")[:2000] if error else None,
                http_status=error.http_status if error else None,
            )
        attempt.outcome = outcome

    async def _closed(
        self,
        run: PublishRun,
        attempt: PublishAttempt,
        error: PlatformError,
        *,
        release: bool,
        limited: PlatformRateLimited | None = None,
    ) -> None:
        """The platform answered with an error that means nothing was created."""
        now = self.clock()
        async with unit_of_work(self.sessionmaker, run.tenant_id) as session:
            await PostRepository(session).update_attempt(
                attempt.id,
                outcome=AttemptOutcome.FAILED,
                answered_at=now,
                error_code=error.code,
                error_message=_message(error, "")[:2000],
                http_status=error.http_status,
            )
            if release:
                await self.ledger.release(session, attempt.id)
            if limited is not None:
                account = await AccountRepository(session).get(run.account_id)
                assert account is not None
                await self.ledger.record_limited(
                    session, account, limited.reset_at, limited.rate, now
                )

    async def _throttled(self, run: PublishRun, error: PlatformRateLimited) -> None:
        async with unit_of_work(self.sessionmaker, run.tenant_id) as session:
            account = await AccountRepository(session).get(run.account_id)
            assert account is not None
            await self.ledger.record_limited(
                session, account, error.reset_at, error.rate, self.clock()
            )

    async def _confirmed(
        self,
        run: PublishRun,
        attempt: PublishAttempt,
        index: int,
        platform_post_id: str,
        permalink: str | None,
        *,
        outcome: AttemptOutcome,
        rate: Any = None,
    ) -> None:
        now = self.clock()
        run.ids[index] = platform_post_id
        async with unit_of_work(self.sessionmaker, run.tenant_id) as session:
            posts = PostRepository(session)
            values: dict[str, Any] = {
                "outcome": outcome,
                "platform_post_id": platform_post_id,
            }
            if outcome == AttemptOutcome.PUBLISHED:
                values["answered_at"] = now
            else:
                values["reconciled_at"] = now
            await posts.update_attempt(attempt.id, **values)
            post_values: dict[str, Any] = {"platform_post_ids": list(run.ids)}
            if index == 0 and permalink:
                post_values["permalink"] = permalink
            await posts.update(run.post_id, **post_values)
            await self.ledger.confirm(session, attempt.id, now)
            if rate is not None:
                account = await AccountRepository(session).get(run.account_id)
                assert account is not None
                await self.ledger.record_rate(session, account, rate, now)
        attempt.outcome = outcome

    async def _finish(self, run: PublishRun) -> PublishOutcome:
        async with unit_of_work(self.sessionmaker, run.tenant_id) as session:
            post = await self._post(session, run)
            post.status = PostStatus.PUBLISHED
            post.published_at = self.clock()
            post.delay_reason = None
            post.next_attempt_at = None
            post.error = None
            await session.flush()
            await events.published(session, post)
        return PublishOutcome(PostStatus.PUBLISHED)

    async def _fail(self, run: PublishRun, reason: str) -> PublishOutcome:
        return await self._fail_post(run.tenant_id, run.post_id, reason)

    async def _fail_post(self, tenant_id: UUID, post_id: UUID, reason: str) -> PublishOutcome:
        async with unit_of_work(self.sessionmaker, tenant_id) as session:
            post = await self._load(session, post_id)
            post.status = PostStatus.FAILED
            post.error = reason[:2000]
            post.delay_reason = None
            post.next_attempt_at = None
            await session.flush()
            await events.failed(session, post, reason)
        return PublishOutcome(PostStatus.FAILED, reason=reason)

    async def _fail_unknown(
        self, run: PublishRun, attempt: PublishAttempt, reason: str
    ) -> PublishOutcome:
        """We can neither publish nor check: the open attempt makes it unconfirmed, not failed."""
        return await self._unconfirmed(run, attempt, detail=reason)

    async def _unconfirmed(
        self, run: PublishRun, attempt: PublishAttempt, detail: str | None = None
    ) -> PublishOutcome:
        reason = (
            f"part {attempt.part_index + 1} may or may not have been posted: the platform did "
            "not answer and the post is not among the account's recent posts"
            + (f" ({detail})" if detail else "")
            + ". Check the account, then retry (it checks again first) or leave it."
        )
        async with unit_of_work(self.sessionmaker, run.tenant_id) as session:
            post = await self._post(session, run)
            post.status = PostStatus.UNCONFIRMED
            post.error = reason
            post.delay_reason = None
            post.next_attempt_at = None
            await session.flush()
            await events.unconfirmed(session, post, reason)
            await notifications.notify(
                session,
                tenant_id=run.tenant_id,
                kind=NotificationKind.POST_UNCONFIRMED,
                title=f"May or may not be live: a {post.platform} post",
                detail=reason,
                target_type="post",
                target_id=post.id,
                # A later retry that leaves it unconfirmed again is news; a replay of this
                # one is not.
                occurrence=f"attempt-{attempt.attempt_no}",
            )
        return PublishOutcome(PostStatus.UNCONFIRMED, reason=reason)

    async def _wait(
        self, run: PublishRun, status: PostStatus, until: datetime, reason: str | None
    ) -> PublishOutcome:
        async with unit_of_work(self.sessionmaker, run.tenant_id) as session:
            await PostRepository(session).update(
                run.post_id, status=status, delay_reason=reason, next_attempt_at=until
            )
        pause = Pause.QUOTA if status == PostStatus.WAITING_QUOTA else Pause.OUTAGE
        return PublishOutcome(pause, wait_until=until, reason=reason)

    async def _transient(self, run: PublishRun, error: PlatformError) -> PublishOutcome:
        async with unit_of_work(self.sessionmaker, run.tenant_id) as session:
            failures = await PostRepository(session).count_errors(run.post_id, error.code)
        message = _message(error, "the platform is unavailable")
        if failures >= self.settings.syndication_max_transient_failures:
            return await self._fail(run, f"{message} (after {failures} tries)")
        until = self.clock() + timedelta(seconds=self.settings.syndication_transient_wait_s)
        return await self._wait(run, PostStatus.SCHEDULED, until, f"{message}; trying again later")

    async def _needs_reconnect(self, run: PublishRun, reason: str) -> None:
        async with unit_of_work(self.sessionmaker, run.tenant_id) as session:
            await AccountRepository(session).set_status(
                run.account_id, AccountStatus.NEEDS_RECONNECT, reason
            )

    async def _post(self, session: AsyncSession, run: PublishRun) -> Post:
        return await self._load(session, run.post_id)

    @staticmethod
    async def _load(session: AsyncSession, post_id: UUID) -> Post:
        post = await PostRepository(session).must_get(
            post_id, detail=f"post {post_id} does not exist"
        )
        await session.refresh(post)
        return post


def _message(error: PlatformError | None, default: str) -> str:
    if error is None:
        return default
    return error.platform_message or error.detail or default


def _limited(error: PlatformRateLimited) -> str:
    return (
        f"{error.platform.value} rate-limited this account; waiting until "
        f"{error.reset_at.strftime('%Y-%m-%d %H:%M:%S UTC')}"
    )
