"""Research: ask every configured provider at once, merge, rank, number the sources.

The outcome is one of three:
- ``status="ok"``: numbered sources, ready for ``[n]`` citations;
- ``status="no_sources"``: the providers answered, but nothing usable came back. Returned,
  not raised: the article workflow stops there and says why instead of inventing sources;
- ``ResearchUnavailable`` raised: no provider answered at all, so "nothing found" would be a
  guess; the caller's retry policy decides what happens next.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from uuid import UUID

from icop.research.exceptions import ResearchUnavailable, SearchProviderError
from icop.research.providers.base import SearchProvider, clip
from icop.research.ranking import fuse
from icop.research.schemas import (
    CitedSource,
    ProviderFailure,
    ResearchResult,
    SearchQuery,
    Source,
)

logger = logging.getLogger(__name__)
Sleep = Callable[[float], Awaitable[None]]


@dataclass(frozen=True)
class ResearchOptions:
    max_sources: int = 8
    # Results asked of each provider; more than max_sources so that fusion has a choice.
    per_provider: int = 10
    timeout_s: float = 30.0
    # A provider that asks us to wait at most this long is retried once; longer, it is skipped.
    retry_max_wait_s: float = 2.0
    # A result with less text than this gives a writer nothing to cite.
    min_text_chars: int = 40
    max_source_chars: int = 2_000


class ResearchService:
    def __init__(
        self,
        providers: Sequence[SearchProvider],
        options: ResearchOptions | None = None,
        *,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        if not providers:
            raise ValueError("research needs at least one search provider")
        names = [provider.name for provider in providers]
        if len(set(names)) != len(names):
            raise ValueError(f"duplicate search providers: {names}")
        self.providers = list(providers)
        self.options = options or ResearchOptions()
        self._sleep = sleep

    async def research(
        self,
        query: str,
        tenant_id: UUID,
        *,
        max_sources: int | None = None,
        language: str | None = None,
    ) -> ResearchResult:
        query = " ".join(query.split())
        if not query:
            return ResearchResult(query=query, status="no_sources", sources=[], providers=[])
        request = SearchQuery(
            query=query[:1_000],
            tenant_id=tenant_id,
            limit=self.options.per_provider,
            language=language,
        )
        outcomes = await asyncio.gather(*(self._ask(p, request) for p in self.providers))
        answered = [(name, results) for name, results, failure in outcomes if failure is None]
        failures = [failure for _, _, failure in outcomes if failure is not None]
        if not answered:
            raise ResearchUnavailable(
                "no search provider answered: "
                + "; ".join(f"{f.provider}: {f.message}" for f in failures),
                failures=[f.model_dump() for f in failures],
            )
        usable = [[s for s in results if self._usable(s)] for _, results in answered]
        merged = fuse(usable)[: max_sources or self.options.max_sources]
        sources = [
            CitedSource(
                number=number,
                title=group.lead.title,
                url=next((s.url for s in group.sources if s.url), None),
                snippet=group.lead.snippet or clip(group.lead.text),
                text=group.text(self.options.max_source_chars),
                providers=sorted(group.best_rank),
                score=round(group.fused_score, 6),
                published_at=group.lead.published_at,
                document_id=group.lead.document_id,
            )
            for number, group in enumerate(merged, start=1)
        ]
        return ResearchResult(
            query=query,
            status="ok" if sources else "no_sources",
            sources=sources,
            providers=[name for name, _ in answered],
            failures=failures,
        )

    def _usable(self, source: Source) -> bool:
        text = (source.text or source.snippet).strip()
        return len(text) >= self.options.min_text_chars and bool(source.title or source.url)

    async def _ask(
        self, provider: SearchProvider, request: SearchQuery
    ) -> tuple[str, list[Source], ProviderFailure | None]:
        name = provider.name
        for attempt in (1, 2):
            try:
                results = await asyncio.wait_for(
                    provider.search(request), timeout=self.options.timeout_s
                )
                return name, results, None
            except SearchProviderError as error:
                wait = error.retry_after_s if error.retry_after_s is not None else 0.5
                if attempt == 1 and error.retryable and wait <= self.options.retry_max_wait_s:
                    logger.info("search provider %s: %s; retrying in %.1fs", name, error.code, wait)
                    await self._sleep(wait)
                    continue
                logger.warning("search provider %s failed: %s", name, error.detail)
                return name, [], _failure(name, error)
            except TimeoutError:
                message = f"no answer within {self.options.timeout_s:g} s"
                logger.warning("search provider %s: %s", name, message)
                return (
                    name,
                    [],
                    ProviderFailure(provider=name, code="timeout", message=message, retryable=True),
                )
            except Exception as error:
                # A bug or an outage behind one provider must not sink the others' results.
                logger.exception("search provider %s raised", name)
                return (
                    name,
                    [],
                    ProviderFailure(
                        provider=name,
                        code=getattr(error, "code", "internal_error"),
                        message=f"{type(error).__name__}: {error}"[:300],
                        retryable=False,
                    ),
                )
        raise AssertionError("unreachable")  # pragma: no cover


def _failure(provider: str, error: SearchProviderError) -> ProviderFailure:
    return ProviderFailure(
        provider=provider,
        code=error.code,
        message=error.detail,
        retryable=error.retryable,
        retry_after_s=error.retry_after_s,
    )
