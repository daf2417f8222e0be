"""Korean keywords for c-TF-IDF: which tokeniser (issue #12 item 6)?

    .venv/bin/python -m benchmarks.subtopic_tokens

Four Korean themes of candidate angles (tests/planning/subtopics/fakes.py, THEMES_KO), each
theme one class, c-TF-IDF as clustering computes it; per tokeniser:
- head: share of themes whose head word (지렁이, 냄새, 낙엽, 텃밭) is among its top 3 keywords;
- repeats: share of top-5 keywords that are another top keyword plus a particle (냄새가 next
  to 냄새): a keyword slot spent twice on one word;
- ms: time to tokenise and weigh, warm.

Tokenisers: whitespace words (BERTopic's default pattern once its ASCII filter is off),
character bigrams, ours (tokens.KeywordAnalyzer) and, when ``ICOP_BENCH_KIWI_PYTHON`` names a
Python that has ``kiwipiepy`` (a throwaway virtual environment: it is no dependency of ours),
Kiwi's nouns and verb stems.

Last line: RESULT head_ours=… repeats_ours=… head_whitespace=… repeats_whitespace=… …
"""

from __future__ import annotations

import json
import os
import subprocess
import time
from collections.abc import Callable

import numpy as np
from sklearn.feature_extraction.text import CountVectorizer

from icop.planning.subtopics.representation import SafeClassTfidf
from icop.planning.subtopics.tokens import KeywordAnalyzer
from tests.planning.subtopics.fakes import THEMES_KO

TOPIC = "집에서 하는 퇴비 만들기"
_KIWI = """
import json, sys, time
from kiwipiepy import Kiwi
started = time.perf_counter()
kiwi = Kiwi()
kiwi.tokenize("워밍업")
load = time.perf_counter() - started
texts = json.load(sys.stdin)
started = time.perf_counter()
kept = ("NNG", "NNP", "SL", "XR", "VV", "VA")
tokens = [[t.form for t in kiwi.tokenize(text) if t.tag in kept] for text in texts]
print(json.dumps({"tokens": tokens, "load_s": load, "run_s": time.perf_counter() - started}))
"""


def kiwi_vectorizer(python: str, phrases: list[str]) -> CountVectorizer:
    answer = subprocess.run(  # noqa: S603 - the operator's own interpreter, named by them
        [python, "-c", _KIWI],
        input=json.dumps([*phrases, TOPIC]),
        capture_output=True,
        text=True,
        check=True,
    )
    found = json.loads(answer.stdout)
    print(
        f"kiwi: model loaded in {found['load_s']:.2f}s, {len(phrases)} phrases in "
        f"{found['run_s'] * 1000:.0f} ms"
    )
    table = dict(zip([*phrases, TOPIC], found["tokens"], strict=True))
    stop = set(table[TOPIC])

    def analyze(document: str) -> list[str]:
        return [t for p in phrases if p in document for t in table[p] if t not in stop]

    return CountVectorizer(analyzer=analyze)


def main() -> None:
    phrases = [phrase for group in THEMES_KO.values() for phrase in group]
    documents = [" ".join(group) for group in THEMES_KO.values()]
    heads = list(THEMES_KO)
    makers: dict[str, Callable[[], CountVectorizer]] = {
        "whitespace": lambda: CountVectorizer(
            token_pattern=r"(?u)\b\w\w+\b",  # noqa: S106 - a regular expression
            ngram_range=(1, 2),
            stop_words=TOPIC.split(),
        ),
        "char_bigrams": lambda: CountVectorizer(analyzer="char_wb", ngram_range=(2, 2)),
        "ours": lambda: CountVectorizer(analyzer=KeywordAnalyzer(phrases, TOPIC)),
    }
    kiwi_python = os.environ.get("ICOP_BENCH_KIWI_PYTHON")
    if kiwi_python:
        kiwi = kiwi_vectorizer(kiwi_python, phrases)
        makers["kiwi"] = lambda: kiwi
    else:
        print("kiwi: skipped (set ICOP_BENCH_KIWI_PYTHON to a Python with kiwipiepy)")
    result: list[str] = []
    for name, make in makers.items():
        make().fit_transform(documents)  # warm
        started = time.perf_counter()
        vectorizer = make()
        counts = vectorizer.fit_transform(documents)
        weights = SafeClassTfidf(reduce_frequent_words=True).fit(counts).transform(counts)
        elapsed_ms = (time.perf_counter() - started) * 1000
        words = vectorizer.get_feature_names_out()
        dense = weights.toarray()
        tops = [[str(words[i]) for i in np.argsort(-row, kind="stable")[:5]] for row in dense]
        head = float(np.mean([heads[i] in top[:3] for i, top in enumerate(tops)]))
        repeats = float(
            np.mean([any(o != w and w.startswith(o) for o in top) for top in tops for w in top])
        )
        print(f"{name:13s} head={head:.2f} repeats={repeats:.2f} {elapsed_ms:6.1f} ms  {tops}")
        result += [f"head_{name}={head:.2f}", f"repeats_{name}={repeats:.2f}"]
    print("RESULT " + " ".join(result))


if __name__ == "__main__":
    main()
