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
