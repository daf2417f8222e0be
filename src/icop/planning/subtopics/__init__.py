"""Sub-topic generation (issue #5 item 4, #12 item 6): LLM expansion → off-topic angles
dropped → MiniLM embeddings → BERTopic clusters → LLM labels, off-topic ones replaced →
near-duplicate removal. bertopic itself is imported only when a clustering runs."""

from icop.planning.subtopics.exceptions import (
    NoOnTopicSubtopics,
    SubtopicRequestInvalid,
    TooFewCandidates,
)
from icop.planning.subtopics.labels import KeywordLabeller, Labeller, RouterLabeller
from icop.planning.subtopics.relevance import TopicRelevance, Verdict
from icop.planning.subtopics.schemas import RelevanceCounts, Subtopic, SubtopicResult
from icop.planning.subtopics.service import cluster_candidates, generate_subtopics

__all__ = [
    "KeywordLabeller",
    "Labeller",
    "NoOnTopicSubtopics",
    "RelevanceCounts",
    "RouterLabeller",
    "Subtopic",
    "SubtopicRequestInvalid",
    "SubtopicResult",
    "TooFewCandidates",
    "TopicRelevance",
    "Verdict",
    "cluster_candidates",
    "generate_subtopics",
]
