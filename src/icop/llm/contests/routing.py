"""The ``best_judged`` routing mode: the SmartRouter asks which model a contest's slot (one of
the article graph's writers) should call, and gets that model first, the other eligible
models after it (the fallback order), all from the pool's candidates.

One draw per article: the slots of an article run in parallel, each asking separately, and
must agree (the rival rule looks at all of them), so the first to ask draws for all and the
others wait for it. The draw is seeded by the tenant and the article, so an article resumed
after a crash in another process draws the same models when the record has not changed.
"""

from __future__ import annotations

import asyncio
import hashlib
import random
from collections import OrderedDict
from collections.abc import Sequence
from typing import Protocol
from uuid import UUID

from icop.llm.contests.bandit import Standing, draw_slots
from icop.llm.policy import BestJudgedSettings, Candidate
from icop.llm.tasks import Seat, TaskKind

DRAWS_KEPT = 1024
"""Articles whose draw is remembered (their slots ask within seconds of each other)."""


class StandingsSource(Protocol):
    async def standings(self, tenant_id: UUID, task: TaskKind) -> dict[str, Standing]:
        """The tenant's record for a contest's pool task, by ``provider:model``."""
        ...


def article_key(reference: str | None) -> str | None:
    """The article of an agent call: its ledger reference is ``<article id>/<agent>``."""
    if not reference or "/" not in reference:
        return None
    return reference.rsplit("/", 1)[0] or None


class BestJudged:
    def __init__(self, standings: StandingsSource | None, settings: BestJudgedSettings) -> None:
        self.standings = standings
        self.settings = settings
        self._draws: OrderedDict[tuple[str, ...], asyncio.Future[list[Candidate]]] = OrderedDict()

    async def arrange(
        self,
        seat: Seat,
        tenant_id: UUID | None,
        reference: str | None,
        eligible: Sequence[Candidate],
    ) -> list[Candidate]:
        """This slot's model first, then the other eligible ones in pool order (used only
        when it fails). ``eligible``: the pool's candidates that can serve the call now."""
        if not eligible:
            return []
        article = article_key(reference)
        if article is None:
            picks = await self._draw(seat, tenant_id, eligible, random.Random())  # noqa: S311 (sampling, not secrecy)
        else:
            picks = await self._shared_draw(seat, tenant_id, article, eligible)
        chosen = picks[seat.index % len(picks)]
        return [chosen, *(candidate for candidate in eligible if candidate != chosen)]

    async def _shared_draw(
        self, seat: Seat, tenant_id: UUID | None, article: str, eligible: Sequence[Candidate]
    ) -> list[Candidate]:
        key = (str(tenant_id), seat.pool.value, article)
        pending = self._draws.get(key)
        if pending is None:
            pending = asyncio.get_running_loop().create_future()
            self._draws[key] = pending
            while len(self._draws) > DRAWS_KEPT:
                self._draws.popitem(last=False)
            try:
                pending.set_result(await self._draw(seat, tenant_id, eligible, _seeded(key)))
            except asyncio.CancelledError:
                self._draws.pop(key, None)
                pending.cancel()
                raise
            except Exception as error:
                # The slots waiting on this draw fail with it; the next call draws afresh.
                self._draws.pop(key, None)
                pending.set_exception(error)
        # Shielded: one waiting slot cancelled must not cancel the draw the others wait on.
        return await asyncio.shield(pending)

    async def _draw(
        self,
        seat: Seat,
        tenant_id: UUID | None,
        eligible: Sequence[Candidate],
        rng: random.Random,
    ) -> list[Candidate]:
        record: dict[str, Standing] = {}
        if self.standings is not None and tenant_id is not None:
            record = await self.standings.standings(tenant_id, seat.pool)
        by_key = {candidate.key: candidate for candidate in eligible}
        keys = draw_slots(list(by_key), record, seat.slots, rng, self.settings)
        return [by_key[key] for key in keys]


def _seeded(key: tuple[str, ...]) -> random.Random:
    digest = hashlib.sha256("/".join(key).encode()).digest()
    return random.Random(int.from_bytes(digest[:8], "big"))  # noqa: S311 (reproducible draws)
