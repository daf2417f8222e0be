"""What each peer is given for one topic: the request file its runner script reads.

The peers keep their own pipelines and prompts; what is set here is only what makes the runs
comparable with ICOP's and able to finish on 2 cores with the bundled 0.5B model:
- the same reference documents (the topic's ``docs/*.md``, unchanged) and the same model;
- a report of about the topic's ``length_words`` (GPT-Researcher: ``TOTAL_WORDS`` plus a token
  cap of twice that length, so that the reference list it writes last is not cut off; STORM has
  no length setting, so each section's tokens are capped);
- fewer research rounds than the peers' defaults (STORM: 2 perspectives x 2 conversation turns
  instead of 3 x 3; GPT-Researcher: its defaults, which already run 3 sub-queries), since
  every call costs seconds to minutes here.
"""

from __future__ import annotations

from typing import Any

from icop.evaluation.dataset import EvalTopic

# One server for both peers: two slots (both peers issue concurrent calls) with room for
# GPT-Researcher's report prompt, which carries the whole selected context.
SERVER_PARALLEL = 2
SERVER_CTX_PER_SLOT = 16384
EMBEDDING_DIMENSIONS = 384  # all-MiniLM-L6-v2
# Korean takes about twice the tokens per word of English with the Qwen tokenizer.
TOKENS_PER_WORD = {"en": 1.4, "ko": 3.0}


def report_tokens(topic: EvalTopic, headroom: float) -> int:
    """A token budget for a report of about ``length_words`` words."""
    per_word = TOKENS_PER_WORD.get(topic.base_language, 2.0)
    return round(topic.length_words * per_word * headroom)


def storm_settings(topic: EvalTopic) -> dict[str, Any]:
    # STORM writes one call per top-level outline section; its outlines have ~4-6 of them.
    section_tokens = max(150, report_tokens(topic, 1.2) // 4)
    return {
        "max_conv_turn": 2,
        "max_perspective": 2,
        "search_top_k": 3,
        "retrieve_top_k": 3,
        "max_thread_num": 2,
        # STORM's example settings for every model.
        "temperature": 1.0,
        "top_p": 0.9,
        "request_timeout_s": 900,
        "max_tokens": {
            # STORM's example values, except the article sections and the lead (length cap).
            "conv_simulator": 500,
            "question_asker": 500,
            "outline_gen": 400,
            "article_gen": section_tokens,
            "article_polish": section_tokens,
        },
    }


def gpt_researcher_settings(topic: EvalTopic) -> dict[str, Any]:
    return {
        "fast_token_limit": 1000,
        # The model writes its reference list last: twice the length leaves room for it (with
        # 1.2x, the 0.5B model ran past the length and the list was cut off).
        "smart_token_limit": report_tokens(topic, 2.0),
        "strategic_token_limit": 1000,
        "temperature": 0.4,  # GPT-Researcher's default
        "max_subtopics": 3,  # its default
        "max_iterations": 3,  # its default
    }


def peer_request(
    topic: EvalTopic, base_url: str, model: str, embedding_model_dir: str
) -> dict[str, Any]:
    return {
        "topic": topic.model_dump(mode="json", exclude={"documents"}),
        "documents": {f"{document.name}.md": document.text for document in topic.documents},
        "base_url": base_url,
        "model": model,
        "embedding_model_dir": embedding_model_dir,
        "embedding_dimensions": EMBEDDING_DIMENSIONS,
        "storm": storm_settings(topic),
        "gpt_researcher": gpt_researcher_settings(topic),
    }
