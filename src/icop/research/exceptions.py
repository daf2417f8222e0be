"""Why a search provider gave no answer. Messages never carry an API key or a response body
beyond a short excerpt."""

from __future__ import annotations

from typing import Any, ClassVar

from icop.errors import ICOPError, ServiceUnavailable


class SearchProviderError(ICOPError):
    status = 502
    code = "search_provider_error"
    title = "A search provider failed"
    # Whether the same request may succeed later without anyone changing anything.
    retryable: ClassVar[bool] = False

    def __init__(
        self, detail: str, *, provider: str, retry_after_s: float | None = None, **extra: Any
    ) -> None:
        super().__init__(detail, provider=provider, retry_after_s=retry_after_s, **extra)
        self.provider = provider
        self.retry_after_s = retry_after_s


class SearchUnauthorized(SearchProviderError):
    code = "search_provider_unauthorized"
    title = "The search provider rejected the API key"


class SearchQuotaExceeded(SearchProviderError):
    code = "search_provider_quota_exceeded"
    title = "The search provider's plan limit is used up"


class SearchRejected(SearchProviderError):
    code = "search_provider_rejected"
    title = "The search provider rejected the request"


class SearchRateLimited(SearchProviderError):
    code = "search_provider_rate_limited"
    title = "The search provider is rate limiting us"
    retryable = True


class SearchUnavailable(SearchProviderError):
    code = "search_provider_unavailable"
    title = "The search provider is unavailable"
    retryable = True


class SearchResponseInvalid(SearchProviderError):
    code = "search_provider_invalid_response"
    title = "The search provider answered something we cannot read"
    retryable = True


class ResearchUnavailable(ServiceUnavailable):
    """Every provider failed: nothing was searched, so "no sources" would be a guess. Raised
    (not returned) so that the caller's retry policy applies."""

    code = "research_unavailable"
    title = "No search provider could be reached"
