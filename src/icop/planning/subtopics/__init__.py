"""Sub-topic generation (issue #5 item 4): LLM expansion → MiniLM embeddings → BERTopic
clusters → LLM labels → near-duplicate removal. bertopic itself is imported only when a
clustering runs."""

from icop.planning.subtopics.exceptions import SubtopicRequestInvalid, TooFewCandidates
from icop.planning.subtopics.labels import KeywordLabeller, Labeller, RouterLabeller
from icop.planning.subtopics.schemas import Subtopic, SubtopicResult
from icop.planning.subtopics.service import cluster_candidates, generate_subtopics

__all__ = [
    "KeywordLabeller",
    "Labeller",
    "RouterLabeller",
    "Subtopic",
    "SubtopicRequestInvalid",
    "SubtopicResult",
    "TooFewCandidates",
    "cluster_candidates",
    "generate_subtopics",
]
