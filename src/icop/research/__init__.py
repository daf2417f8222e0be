"""Research with citations: search providers, fusion, numbered sources."""

from icop.research.config import ResearchConfig, build_providers, build_researcher
from icop.research.exceptions import ResearchUnavailable, SearchProviderError
from icop.research.schemas import CitedSource, ResearchResult, SearchQuery, Source
from icop.research.service import ResearchOptions, ResearchService

__all__ = [
    "CitedSource",
    "ResearchConfig",
    "ResearchOptions",
    "ResearchResult",
    "ResearchService",
    "ResearchUnavailable",
    "SearchProviderError",
    "SearchQuery",
    "Source",
    "build_providers",
    "build_researcher",
]
