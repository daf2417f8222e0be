"""The gate over an article's text, before SEO, images and posts are spent on it.

Repairs what code can repair — strips scaffolding (prompt sentences, input labels, model-written
reference lists, raw structured data), drops repeated sentences, fixes citations (unknown numbers
removed, a citation its passage does not support moved to the source that does, or dropped),
keeps one title and no empty section — and reports what it cannot: a generation loop, the wrong
language, too little article left, nothing cited. Those block the article (regenerate, then
``needs_review``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from icop.agents import citations
from icop.agents.gate import scaffolding, spacing
from icop.agents.gate.support import SUPPORTED_AT, support_score, terms
from icop.agents.gate.text import (
    Repeats,
    distinct_ngram_ratio,
    is_dense,
    plain,
    script_share,
    sentences,
    word_count,
    words,
)
from icop.agents.schemas import Claim, Finding, Source
from icop.agents.schemas.quality import Action, FindingCode

_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
# "**## Bees fly up to three kilometres.**": heading marks inside emphasis (not a heading in
# Markdown: it renders as bold "## …").
_EMPHASISED_HEADING = re.compile(
    r"^(\*\*|__)(#{1,6}\s+.*?)\1((?:\s*\[\d{1,2}(?:\s*,\s*\d{1,2})*\])*)\s*$"
)
_SENTENCE_ENDING = re.compile(r"[.\u3002]$")
_CITATION = re.compile(r"\s*\[(\d{1,2}(?:\s*,\s*\d{1,2})*)\](?!\()")
_LEADING_CITATIONS = re.compile(r"^((?:\[\d{1,2}(?:\s*,\s*\d{1,2})*\])+)\s*")
_SENTENCE_BREAK = re.compile(r"(?<=[.!?\u3002\uff01\uff1f])\s+")
_LIST_PREFIX = re.compile(r"^(\s*(?:[-*+]|\d{1,3}[.)])\s+)")
# "- [1](https://www.theguardian.com/…)": a model's own reference entry, its link invented.
_NUMBERED_LINK = re.compile(r"^\s*(?:[-*+]\s*)?\[\d{1,2}\]\(")
_LABELLED = re.compile(r"^([^\W\d][\w ]{0,29}):\s+(\S.*)$")
# "Step 6: ", "3. ", "Tip 2 - ", "2단계: ": a heading's place in a sequence, not its subject.
_ORDINAL = re.compile(
    r"^(?:(?:step|tip|part|stage|phase|rule|day|week)\s*)?\d{1,2}\s*(?:단계)?\s*[.):\-\u2013\u2014]*\s*",
    re.IGNORECASE,
)
_REFERENCE_LINE = re.compile(r"^\s*(?:[-*+]\s*)?(?:\[\d{1,2}\]|\d{1,2}[.)])\s*\S")
_RAW_DATA = re.compile(r'^\s*(?:[\[{]\s*["{\[]?|[}\]],?\s*$|"\w+"\s*:)')
_NO_LETTERS = re.compile(r"^[^\w]*[\d\W]*$")
_REFERENCE_HEADINGS = (
    "Sources",
    "Source",
    "References",
    "Reference",
    "Bibliography",
    "Citations",
    "Works cited",
    "출처",
    "참고",
    "참고 자료",
    "참고자료",
    "참고 문헌",
    "참고문헌",
    "出典",
    "参考文献",
    "Quellen",
    "Fuentes",
)

MAX_HEADING_WORDS = 14
"""A heading is a few words; a longer one is a sentence a writer made a heading of (a small
model turns each researched fact into one). Hangul/CJK headings are judged by their ending."""
MIN_SENTENCE_HEADING_WORDS = 6
"""A heading ending in a full stop is a sentence from this length: a short step ("### 2. Turn
the pile weekly.") is a heading someone punctuated."""
MAX_REPEATED_SHARE = 0.2
"""More than a fifth of an article's sentences repeating earlier ones is a generation loop."""
MIN_DISTINCT_TRIGRAMS = 0.6
"""Below this share of distinct word trigrams the text goes round in circles."""
MIN_LENGTH_SHARE = 0.4
"""An article left with less than this share of the words asked for is not the article."""
MIN_SCRIPT_SHARE = {"dense": 0.6, "alphabetic": 0.8}
MAX_UNSOURCED_SHARE = 0.4
"""More than this share of an article's statements in none of its sources is an article about
something else (an evaluation article on balcony gardening said "Balloons help absorb this carbon
dioxide": 11 of its 24 statements; the ready ones had 0 or 1). Each such statement is noted for
the reviewer either way."""
MIN_STATEMENTS_JUDGED = 8
MIN_PASSAGE_TERMS = 120
"""Sources carrying fewer content terms (search snippets of a line or two) are too thin to say
what is *not* in them: statements are then not judged by their sourcing. The evaluation's
knowledge passages carry 220-660."""
MIN_STATEMENT_TERMS = 3
"""A statement with fewer content terms ("Enjoy the harvest.") claims nothing to look up."""
MIN_PASSAGE_SCRIPT = 0.3
"""A passage with fewer of its letters in the article's script is in another language: lexical
support cannot judge a citation of it (noted for a reviewer, not removed)."""
"""Letters in the language's script: quoted names and terms in another script are fine."""


@dataclass(frozen=True)
class GateContext:
    language: str
    length_words: int
    sources: Sequence[Source]
    claims: Sequence[Claim]
    references: Sequence[str]
    """Text the article must not contain: the prompt's templates and the call's inputs."""
    labels: frozenset[str]
    """Input field names, as headings a model copies ("Brand Voice", "Length Words")."""
    material: Sequence[str] = ()
    """Inputs an article may restate (the research summary, the claims), but not paste as a
    block under the input's label."""


@dataclass
class Reviewed:
    text: str
    findings: list[Finding] = field(default_factory=list)
    dropped: set[int] = field(default_factory=set)
    """Citation numbers with no such source."""
    inferred: list[int] = field(default_factory=list)
    """Sources cited by code where the text restated them uncited."""

    def note(self, code: FindingCode, action: Action, detail: str = "") -> None:
        self.findings.append(Finding(code=code, action=action, detail=detail[:300]))

    @property
    def blocking(self) -> bool:
        return any(finding.action == "blocking" for finding in self.findings)


def review(text: str, context: GateContext) -> Reviewed:
    result = Reviewed(text="")
    researched = [f"{source.title}. {source.snippet}" for source in context.sources]
    text, run_together = spacing.spaced(
        text, spacing.joined_pairs([*researched, *(claim.text for claim in context.claims)])
    )
    if run_together:
        result.note("run_together", "repaired", ", ".join(run_together))
    n = scaffolding.run_length(context.language)
    grams = scaffolding.reference_grams(context.references, n, context.language)
    passages = _passages(context.sources)
    material = grams | scaffolding.reference_grams(context.material, n, context.language)
    seen = Repeats()
    subjects: set[str] = set()  # the section headings so far, without their step numbers
    kept: list[str] = []
    skipping: int | None = None  # the level of a removed section whose content goes with it
    in_fence = False
    for line in text.strip().splitlines():
        stripped = line.strip()
        emphasised = _EMPHASISED_HEADING.match(stripped)
        if emphasised and not in_fence:
            line = stripped = emphasised.group(2) + emphasised.group(3)
        if stripped.startswith("```"):
            in_fence = not in_fence
            kept.append(line)
            continue
        if in_fence or not stripped or stripped.startswith("!["):
            kept.append(line)
            continue
        heading = _HEADING.match(stripped)
        if heading:
            level = len(heading.group(1))
            if skipping is not None and level > skipping:
                result.note("label", "removed", stripped)
                continue
            skipping = None
            if _is_reference_heading(heading.group(2)):
                skipping = level
                result.note("reference_list", "removed", stripped)
                continue
            if scaffolding.is_label(stripped, context.labels):
                # An input echoed under its label: the section is the input, not the article.
                skipping = level
                result.note("label", "removed", stripped)
                continue
            if level > 1 and _is_sentence(heading.group(2), context.language):
                # A statement, not a heading: it goes on as prose (cited, checked for repeats).
                result.note("sentence_heading", "repaired", stripped)
                sentence = _as_sentence(heading.group(2), context)
                cleaned = _line(sentence, context, grams, n, passages, seen, result)
                if cleaned:
                    kept.append(cleaned)
                continue
            title = _CITATION.sub("", heading.group(2)).strip()
            if title != heading.group(2).strip():
                result.note("misplaced_citation", "removed", stripped)
            if scaffolding.leaks(title, grams, n, context.language):
                result.note("scaffolding", "removed", stripped)
                continue
            labelled = _LABELLED.match(title)
            if labelled and scaffolding.normalise_label(labelled.group(1)) in context.labels:
                # "### Topic: How to compost …": the input's label before the article's words.
                result.note("label", "removed", labelled.group(1))
                title = labelled.group(2)
            subject = " ".join(words(plain(_ORDINAL.sub("", title)), context.language))
            repeated = level > 1 and subject in subjects
            if seen.repeats(words(plain(title), context.language)) or repeated:
                # "Step 6: Use a well-managed heap" after "Step 3: Use a well-managed heap"
                # (a make run article): the section goes on under the earlier one.
                result.note("repetition", "removed", stripped)
                continue
            if level > 1 and subject:
                subjects.add(subject)
            kept.append(f"{heading.group(1)} {title}")
            continue
        if skipping is not None:
            if _echoed(stripped, material, n, context.language):
                result.note("label", "removed", stripped)
                continue
            skipping = None  # the article's own prose goes on after an echoed block
        if _looks_like_reference(stripped, context.sources) or _NUMBERED_LINK.match(stripped):
            result.note("reference_list", "removed", stripped)
            continue
        if scaffolding.is_label(stripped, context.labels):
            result.note("label", "removed", stripped)
            continue
        if _RAW_DATA.match(stripped) or _NO_LETTERS.match(stripped):
            result.note("raw_data", "removed", stripped)
            continue
        cleaned = _line(line, context, grams, n, passages, seen, result)
        if cleaned:
            kept.append(cleaned)
    body = _tidy_headings(_finished("\n".join(kept), result), result)
    result.text = re.sub(r"\n{3,}", "\n\n", body).strip()
    _judge(text, result, context)
    return result


def _line(
    line: str,
    context: GateContext,
    grams: set[tuple[str, ...]],
    n: int,
    passages: dict[int, str],
    seen: Repeats,
    result: Reviewed,
) -> str:
    prefix_match = _LIST_PREFIX.match(line)
    prefix = prefix_match.group(1) if prefix_match else ""
    kept: list[str] = []
    for sentence in _sentences(line[len(prefix) :]):
        reading = plain(sentence).strip()
        if scaffolding.leaks(reading, grams, n, context.language):
            result.note("scaffolding", "removed", reading)
            continue
        if seen.repeats(words(reading, context.language)):
            result.note("repetition", "removed", reading)
            continue
        kept.append(_cite(sentence, reading, context, passages, result))
    return f"{prefix}{' '.join(kept)}" if kept else ""


def _is_sentence(heading: str, language: str) -> bool:
    text = plain(_CITATION.sub("", heading)).strip()
    count = word_count(text, language)
    if _SENTENCE_ENDING.search(text) and count >= MIN_SENTENCE_HEADING_WORDS:
        return True
    return not is_dense(language) and count > MAX_HEADING_WORDS


def _as_sentence(heading: str, context: GateContext) -> str:
    """A heading's words as a sentence: ended, and out of (even partial) Title Case ("Meat,
    Fish, Dairy and oily Food attract pests" → "Meat, fish, dairy and oily food attract
    pests"), keeping acronyms and the capitals of words the sources capitalise mid-sentence
    (names, units: "Celsius")."""
    text = heading.strip()
    if not is_dense(context.language):
        tokens = text.split()
        capitalised = [t for t in tokens[1:] if t[:1].isupper()]
        if len(capitalised) >= 2:
            names = _names(context.sources)
            text = " ".join(
                [tokens[0]]
                + [
                    t
                    if not t[:1].isupper() or t.isupper() or t.strip(",;:()").lower() in names
                    else t[:1].lower() + t[1:]
                    for t in tokens[1:]
                ]
            )
    words_part, marks = _TRAILING_CITATIONS.match(text).groups()  # type: ignore[union-attr]
    if not re.search(r"[.!?\u3002\uff01\uff1f]$", words_part):
        words_part += "."
    return f"{words_part}{marks}"


_TRAILING_CITATIONS = re.compile(r"^(.*?)((?:\s*\[\d{1,2}(?:\s*,\s*\d{1,2})*\])*)\s*$")
_MID_SENTENCE_CAPITAL = re.compile(r"(?<=[^.!?\s]) +([A-Z][\w-]*)")


def _names(sources: Sequence[Source]) -> set[str]:
    """Words the sources write with a capital in the middle of a sentence."""
    return {
        match.group(1).lower()
        for source in sources
        for match in _MID_SENTENCE_CAPITAL.finditer(source.snippet)
    }


def _echoed(line: str, material: set[tuple[str, ...]], n: int, language: str) -> bool:
    """Whether a line under an input's label belongs to the echoed input: a list item or a
    short line (an outline entry, "300"), or prose copied from the inputs."""
    if _LIST_PREFIX.match(line) or len(words(plain(line), language)) < 8:
        return True
    return scaffolding.leaks(line, material, n, language)


def _sentences(text: str) -> list[str]:
    """Sentences with their citations: "… soil [1]. Next" keeps "[1]" on the first; a
    citation written after the full stop ("soil. [1] Next") is moved back to it."""
    parts = [part for part in _SENTENCE_BREAK.split(text.strip()) if part]
    for index in range(1, len(parts)):
        leading = _LEADING_CITATIONS.match(parts[index])
        if leading:
            parts[index - 1] = f"{parts[index - 1]} {leading.group(1)}"
            parts[index] = parts[index][leading.end() :]
    return [part for part in parts if part.strip()]


def _cite(
    sentence: str,
    reading: str,
    context: GateContext,
    passages: dict[int, str],
    result: Reviewed,
) -> str:
    """``sentence`` with each citation checked: an unknown number removed; a number whose
    passage does not support the sentence replaced by the best source that does, or removed
    (the sentence stays, uncited: the finding names it for a reviewer)."""
    numbers = [
        int(part) for match in _CITATION.finditer(sentence) for part in match.group(1).split(",")
    ]
    if not numbers:
        return sentence
    statement = _CITATION.sub("", sentence).strip()
    known: list[int] = []
    for number in dict.fromkeys(numbers):
        if number in passages:
            known.append(number)
        else:
            result.dropped.add(number)
            result.note("unknown_citation", "removed", f"[{number}] {reading}")
    if known and len(terms(reading, context.language)) < 3:
        result.note("misplaced_citation", "removed", reading)
        return statement
    kept: list[int] = []
    for number in known:
        if script_share(passages[number], context.language) < MIN_PASSAGE_SCRIPT:
            # A Korean sentence citing an English passage: words cannot be compared.
            result.note("unverified_citation", "noted", f"[{number}] {reading}")
            kept.append(number)
            continue
        score = support_score(reading, passages[number], context.language)
        best = _best_source(reading, passages, context.language)
        if score >= SUPPORTED_AT:
            better = (
                best is not None
                and best != number
                and _clearly_better(reading, passages[best], score, context.language)
            )
            if better:
                result.note("unsupported_citation", "repaired", f"[{number}]→[{best}] {reading}")
            kept.append(best if better and best is not None else number)
            continue
        if best is not None:
            result.note("unsupported_citation", "repaired", f"[{number}]→[{best}] {reading}")
            kept.append(best)
        else:
            result.note("unsupported_citation", "removed", f"[{number}] {reading}")
    marks = "".join(f"[{number}]" for number in dict.fromkeys(kept))
    if not marks:
        return statement
    end = len(statement.rstrip(".!?\u3002"))
    return f"{statement[:end]} {marks}{statement[end:]}"


CLEARLY_BETTER = 0.3
"""A citation that passes is still moved when another source supports the sentence by this
much more of its terms: shared everyday words ("need", "water") let the wrong source pass the
threshold; the passage the sentence was taken from scores near 1."""


def _clearly_better(sentence: str, passage: str, score: float, language: str) -> bool:
    return support_score(sentence, passage, language) >= score + CLEARLY_BETTER


def _best_source(sentence: str, passages: dict[int, str], language: str) -> int | None:
    scored = [(support_score(sentence, passage, language), n) for n, passage in passages.items()]
    score, number = max(scored, default=(0.0, 0))
    return number if score >= SUPPORTED_AT else None


def _passages(sources: Iterable[Source]) -> dict[int, str]:
    """What each source number vouches for: its title and the passage research retrieved —
    the source's own words. Not the research claims that cite it: those are a model's
    attribution, and a small researcher pins a fact on the wrong source (the evaluation saw
    "Containers need drainage holes" vouched for by the balcony-planning document)."""
    return {source.number: f"{source.title}. {source.snippet}" for source in sources}


def _heading_key(text: str) -> str:
    return " ".join(words(_CITATION.sub("", text)))


_REFERENCE_KEYS = frozenset(_heading_key(heading) for heading in _REFERENCE_HEADINGS)


def _is_reference_heading(text: str) -> bool:
    return _heading_key(text) in _REFERENCE_KEYS


def _looks_like_reference(line: str, sources: Sequence[Source]) -> bool:
    """A model-written entry of a reference list: "[1] Home Composting Basics. [Online]." or
    "1. Home Composting Basics — https://…": a numbered line made of a source's title."""
    if not _REFERENCE_LINE.match(line):
        return False
    reading = set(words(plain(line)))
    for source in sources:
        title = set(words(source.title))
        if title and len(title & reading) / len(title) >= 0.8 and len(reading - title) <= 6:
            return True
    return False


def _tidy_headings(body: str, result: Reviewed) -> str:
    """One title: the first ``#`` heading; later ones become sections, a section named like
    the title goes, and a heading with nothing under it goes."""
    lines = body.splitlines()
    title: str | None = None
    out: list[str] = []
    for line in lines:
        heading = _HEADING.match(line.strip())
        if heading is None:
            out.append(line)
            continue
        level, text = len(heading.group(1)), heading.group(2)
        key = " ".join(words(text))
        if level == 1 and title is None:
            title = key
            out.append(f"# {text}")
        elif key == title:
            result.note("duplicate_title", "removed", text)
        else:
            out.append(f"{'#' * max(2, level)} {text}")
    tidy: list[str] = []
    for index, line in enumerate(out):
        heading = _HEADING.match(line.strip())
        if heading and len(heading.group(1)) > 1 and not _has_content(out[index + 1 :], heading):
            result.note("empty_section", "removed", heading.group(2))
            continue
        tidy.append(line)
    return "\n".join(tidy)


_FINISHED = re.compile(r"[.!?\u3002\uff01\uff1f\u2026:;)\]\"'\u201d\u2019*_`]\s*$")
UNFINISHED_MIN_WORDS = 6
"""A last line this long without an ending is a sentence cut off (a draft that ran out of
tokens); a shorter one is a list entry or a label, which need no full stop."""


def _finished(body: str, result: Reviewed) -> str:
    """``body`` without the sentence a draft was cut off in: the article's last line, when it
    stops mid-sentence, is cut back to its last full sentence, or removed when it has none."""
    lines = body.rstrip().splitlines()
    if not lines or _HEADING.match(lines[-1].strip()) or lines[-1].lstrip().startswith("!["):
        return body
    last = lines[-1]
    # "- **Mixing": cut off inside its emphasis, however short (a list entry closes its bold).
    in_emphasis = last.count("**") % 2 == 1
    if not in_emphasis and (
        _FINISHED.search(last) or len(words(plain(last))) < UNFINISHED_MIN_WORDS
    ):
        return body
    prefix_match = _LIST_PREFIX.match(last)
    prefix = prefix_match.group(1) if prefix_match else ""
    parts = _SENTENCE_BREAK.split(last[len(prefix) :].strip())
    result.note("unfinished", "removed", parts[-1])
    kept = " ".join(parts[:-1])
    return "\n".join([*lines[:-1], f"{prefix}{kept}"] if kept else lines[:-1])


def _has_content(rest: list[str], heading: re.Match[str]) -> bool:
    level = len(heading.group(1))
    for line in rest:
        following = _HEADING.match(line.strip())
        if following:
            if len(following.group(1)) <= level:
                return False
            continue
        if line.strip():
            return True
    return False


def _judge(original: str, result: Reviewed, context: GateContext) -> None:
    """What code cannot repair: a loop, the wrong language, too little left, no citation."""
    total = max(1, len(sentences(original)))
    repeated = sum(1 for f in result.findings if f.code == "repetition")
    distinct = distinct_ngram_ratio(original, 3, context.language)
    if repeated / total > MAX_REPEATED_SHARE or distinct < MIN_DISTINCT_TRIGRAMS:
        result.note(
            "loop",
            "blocking",
            f"{repeated} of {total} sentences repeat earlier ones "
            f"(distinct trigrams {distinct:.2f}): a generation loop",
        )
    dense = context.language.split("-")[0].lower() in {"ko", "ja", "zh"}
    share = script_share(result.text, context.language)
    needed = MIN_SCRIPT_SHARE["dense" if dense else "alphabetic"]
    if share < needed:
        result.note(
            "language",
            "blocking",
            f"only {share:.0%} of the letters are in {context.language}'s script",
        )
    length = word_count(result.text, context.language)
    if length < context.length_words * MIN_LENGTH_SHARE:
        result.note(
            "too_short",
            "blocking",
            f"{length} words left of the {context.length_words} asked for",
        )
    # Every uncited line that restates the research gets its source, not only an article
    # with no citation at all: the bundled model cited three of the twelve source sentences it
    # listed in a Korean article.
    grounded, added = citations.ground(
        result.text, citations.evidence(context.claims, context.sources)
    )
    if added:
        result.text, result.inferred = grounded, added
        result.note("uncited", "repaired", f"cited {added} where the text restates them")
    if not citations.cited_numbers(result.text):
        result.note("uncited", "blocking", "no statement cites or restates the research")
    _unsourced(result, context)


def _unsourced(result: Reviewed, context: GateContext) -> None:
    """Statements no source passage supports, noted one by one (the dashboard shows them next to
    the sentence); an article made mostly of them is blocked. Headings are not statements."""
    # Lexical support cannot judge a statement against a passage in another script (a Korean
    # article from English web results): only passages in the article's script count.
    passages = [
        passage
        for passage in _passages(context.sources).values()
        if script_share(passage, context.language) >= MIN_PASSAGE_SCRIPT
    ]
    if len(set().union(*(terms(p, context.language) for p in passages))) < MIN_PASSAGE_TERMS:
        return
    prose = "\n".join(line for line in result.text.splitlines() if not _HEADING.match(line))
    statements = [
        unit
        for unit in sentences(prose)
        if len(terms(unit, context.language)) >= MIN_STATEMENT_TERMS
    ]
    unsourced = [
        unit
        for unit in statements
        if max(support_score(unit, passage, context.language) for passage in passages)
        < SUPPORTED_AT
    ]
    for unit in unsourced[:20]:
        result.note("unsourced", "noted", unit)
    if len(statements) >= MIN_STATEMENTS_JUDGED and len(unsourced) > len(statements) * (
        MAX_UNSOURCED_SHARE
    ):
        result.note(
            "unsourced",
            "blocking",
            f"{len(unsourced)} of {len(statements)} statements are in none of the sources",
        )
