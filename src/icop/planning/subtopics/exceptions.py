"""Why sub-topic generation refuses a request."""

from __future__ import annotations

from icop.errors import ValidationFailed


class SubtopicRequestInvalid(ValidationFailed):
    """The topic is empty or the requested numbers are out of range."""

    code = "subtopic_request_invalid"
    title = "The sub-topic request is invalid"


class TooFewCandidates(ValidationFailed):
    """The model proposed too few distinct angles to cluster (at least two are needed)."""

    code = "subtopic_too_few_candidates"
    title = "Too few candidate angles to form sub-topics"


class NoOnTopicSubtopics(ValidationFailed):
    """Fewer than two candidate angles were about the topic: no sub-topic can be formed
    without writing about something else (the model misread the topic, or its language)."""

    code = "subtopic_off_topic"
    title = "No on-topic sub-topics"
