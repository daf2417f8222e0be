"""Search providers: the tenant's knowledge store and web search APIs."""

from icop.research.providers.base import SearchProvider
from icop.research.providers.brave import BraveSearch
from icop.research.providers.knowledge import KnowledgeStoreSearch
from icop.research.providers.searxng import SearxngSearch
from icop.research.providers.tavily import TavilySearch

__all__ = ["BraveSearch", "KnowledgeStoreSearch", "SearchProvider", "SearxngSearch", "TavilySearch"]
