"""X's weighted character count, reimplemented from twitter-text 3 (config/v3.json).

X counts a post against 280 *weighted* characters (docs.x.com, "Counting characters"):

- the text is NFC-normalised first;
- every URL X recognises counts as 23, whatever its length (it is wrapped in a t.co link);
- every emoji counts as 2, however many code points it is made of (skin tones, ZWJ families,
  flags, keycaps, tag sequences);
- any other code point weighs 1 if it lies in one of four ranges (U+0000-U+10FF Latin and most
  alphabetic scripts, U+2000-U+200D spaces and the ZWJ, U+2010-U+201F dashes and quotes,
  U+2032-U+2037 primes) and 2 otherwise (CJK, Hangul, most symbols).

Why not a PyPI package: the one Python port (twitter-text-parser) has been unreleased since 2023
and ships a frozen emoji table; the algorithm is small, and the `regex` module gives us current
Unicode emoji properties and grapheme clusters.

Where we cannot know X's decision (a domain-like token whose TLD is not on our list, see tlds.py)
`weighted_length(..., upper_bound=True)` charges the larger of the two readings. Every fix and
split budgets with the upper bound, so what we produce is never rejected for length.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from typing import Final

import regex

from icop.platforms.validation.tlds import (
    COUNTRY_CODE_TLDS,
    IDN_COUNTRY_CODE_TLDS,
    KNOWN_TLDS,
    SPECIAL_COUNTRY_CODE_TLDS,
)

# twitter-text config/v3.json, verbatim values; weights are in 1/SCALE of a character.
MAX_WEIGHTED_LENGTH: Final = 280
TRANSFORMED_URL_LENGTH: Final = 23
_SCALE: Final = 100
_DEFAULT_WEIGHT: Final = 200
_RANGES: Final = ((0, 4351, 100), (8192, 8205, 100), (8208, 8223, 100), (8242, 8247, 100))
_URL_WEIGHT: Final = TRANSFORMED_URL_LENGTH * _SCALE
# extractUrlsWithIndices' MAX_URL_LENGTH: a longer "URL" (protocol included, "https://" assumed
# when absent) is not linked, so it is counted character by character.
_MAX_URL_LENGTH: Final = 4096

# twitter-text refuses these outright (hasInvalidCharacters): non-characters and the BOM.
INVALID_CHARACTERS: Final = frozenset("\ufffe\ufeff\uffff")

# © and ® are emoji only when followed by VS16 in twemoji, but they are weight-1 Latin-1 code
# points otherwise, so the upper bound charges them as emoji.
_TEXT_DEFAULT_PICTOGRAPHS: Final = frozenset("\u00a9\u00ae")

# One emoji as twemoji (and so twitter-text) sees it. Order matters: flags, keycaps and tag
# sequences are tried before the generic element, whose first code point they share.
_ELEMENT = (
    r"(?:\p{Emoji_Modifier_Base}\p{Emoji_Modifier}"
    r"|[\u00a9\u00ae]\uFE0F"
    r"|[\p{Extended_Pictographic}--[\u00a9\u00ae]]\uFE0F?\p{Emoji_Modifier}?"
    r"|[\p{Emoji_Presentation}--[\u00a9\u00ae]]\p{Emoji_Modifier}?)"
)
EMOJI_RE: Final = regex.compile(
    r"\p{Regional_Indicator}\p{Regional_Indicator}"
    r"|[#*0-9]\uFE0F?\u20E3"
    r"|\U0001F3F4[\U000E0020-\U000E007E]+\U000E007F"
    rf"|{_ELEMENT}(?:\u200D{_ELEMENT})*",
    regex.V1,
)

# --- URL detection: a reading of twitter-text's extractUrl / extractUrlsWithIndices. ---------
# A DNS label is at most 63 characters; twitter-text rejects longer ones (its IDNA step fails),
# so "<64 letters>.com" is counted letter by letter, not as a link.
_ASCII_LABEL = r"[a-z0-9](?:[a-z0-9_-]{0,61}[a-z0-9])?"
_ANY_LABEL = r"[\p{L}\p{M}\p{N}](?:[\p{L}\p{M}\p{N}_-]{0,61}[\p{L}\p{M}\p{N}])?"
_IDN_TLDS = "|".join(sorted(IDN_COUNTRY_CODE_TLDS, key=len, reverse=True))
# A TLD ends where no ASCII letter, digit, @, + or - follows (validGTLD's lookahead), so in
# "example.com日本" the TLD is "com" and the CJK after it is ordinary text.
_TLD_END = r"(?![a-z0-9@+-])"
_PORT = r"(?::[0-9]{1,5})?"
# validGeneralUrlPathChars: ASCII, Latin with accents, Cyrillic and URL punctuation. A CJK
# character ends a path, which matters: it is then counted, not hidden inside the 23.
_LATIN_CYRILLIC = r"\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f\u0300-\u036f\u1e00-\u1eff\u0400-\u04ff"
_PATH = rf"(?:[/?][a-z0-9{_LATIN_CYRILLIC}!*';:=+,.$/%#\[\]\-\u2013_~@|&()?]*)?"
_PATH_END_OK = regex.compile(rf"[a-z0-9{_LATIN_CYRILLIC}+\-=_#/&]", regex.IGNORECASE)

_WITH_PROTOCOL = regex.compile(
    rf"(?<![a-z0-9@\uff20$#\uff03])https?://"
    rf"(?P<host>(?:{_ANY_LABEL}\.)+(?P<tld>xn--[a-z0-9-]{{1,59}}|{_IDN_TLDS}|[a-z]{{2,63}}))"
    rf"{_TLD_END}{_PORT}(?P<path>{_PATH})",
    regex.IGNORECASE | regex.V1,
)
# Without a protocol only ASCII domains count, and not right after -, _, . or /.
_WITHOUT_PROTOCOL = regex.compile(
    rf"(?<![a-z0-9@\uff20$#\uff03\-_./])"
    rf"(?P<host>(?:{_ASCII_LABEL}\.)+(?P<tld>xn--[a-z0-9-]{{1,59}}|[a-z]{{2,63}}))"
    rf"{_TLD_END}{_PORT}(?P<path>{_PATH})",
    regex.IGNORECASE | regex.V1,
)


@dataclass(frozen=True, slots=True)
class UrlSpan:
    """A URL inside a text, as half-open code point offsets.

    `certain` is False when X's decision is unknown to us (TLD not on our list): X then either
    counts it as 23 or at its literal weight."""

    start: int
    end: int
    certain: bool


def normalize(text: str) -> str:
    """X counts NFC; we also send NFC so that what we counted is what X receives."""
    return unicodedata.normalize("NFC", text)


def _trim_path(path: str) -> str:
    """Drop trailing punctuation that ends a sentence rather than the URL ("see x.com/a)." ends
    at "a"): twitter-text's path and query must end on a letter, digit or one of + - = _ # / &,
    or on a closing parenthesis that balances an opening one."""
    while path:
        last = path[-1]
        if last == ")" and path.count("(") >= path.count(")"):
            break
        if last != ")" and _PATH_END_OK.fullmatch(last):
            break
        path = path[:-1]
    return path


def _tld_is_known(tld: str) -> bool:
    lowered = tld.lower()
    return lowered.startswith("xn--") or lowered in KNOWN_TLDS


def extract_urls(text: str) -> list[UrlSpan]:
    """URLs in `text` (expected NFC) the way X finds them, in order of position."""
    spans: list[UrlSpan] = []
    taken: list[tuple[int, int]] = []
    for match in _WITH_PROTOCOL.finditer(text):
        end = match.end() - len(match["path"]) + len(_trim_path(match["path"]))
        if end - match.start() > _MAX_URL_LENGTH:
            continue
        spans.append(UrlSpan(match.start(), end, certain=_tld_is_known(match["tld"])))
        taken.append((match.start(), end))
    for match in _WITHOUT_PROTOCOL.finditer(text):
        start = match.start()
        path = _trim_path(match["path"])
        end = match.end() - len(match["path"]) + len(path)
        if any(a < end and start < b for a, b in taken):
            continue  # a domain inside a URL we already have
        if end - start + len("https://") > _MAX_URL_LENGTH:
            continue
        tld = match["tld"].lower()
        labels = match["host"].count(".") + 1
        if len(tld) == 2 and tld not in COUNTRY_CODE_TLDS:
            continue  # every real two-letter TLD is a country code: this one is not a TLD
        if (
            tld in COUNTRY_CODE_TLDS
            and tld not in SPECIAL_COUNTRY_CODE_TLDS
            and labels == 2
            and not path
        ):
            continue  # twitter-text's invalidShortDomain: "file.py" is not a link
        spans.append(UrlSpan(start, end, certain=_tld_is_known(tld)))
    spans.sort(key=lambda span: span.start)
    return spans


def _code_point_weight(char: str) -> int:
    cp = ord(char)
    for start, end, weight in _RANGES:
        if start <= cp <= end:
            return weight
    return _DEFAULT_WEIGHT


def _literal_weight(text: str) -> int:
    return sum(_code_point_weight(char) for char in text)


def weighted_length(text: str, *, upper_bound: bool = False) -> int:
    """X's weighted length of `text`, in characters (280 is the limit).

    With `upper_bound`, URLs of uncertain status count as max(23, literal) and © / ® as emoji,
    so the result is never below what X will count."""
    text = normalize(text)
    special: dict[int, tuple[int, int]] = {}  # start -> (end, weight in 1/SCALE)
    url_ends: list[tuple[int, int]] = []
    for url in extract_urls(text):
        literal = _literal_weight(text[url.start : url.end])
        if url.certain:
            weight = _URL_WEIGHT
        else:
            weight = max(_URL_WEIGHT, literal) if upper_bound else literal
        special[url.start] = (url.end, weight)
        url_ends.append((url.start, url.end))
    for match in EMOJI_RE.finditer(text):
        if not any(a <= match.start() < b for a, b in url_ends):
            special.setdefault(match.start(), (match.end(), _DEFAULT_WEIGHT))
    total = 0
    index = 0
    while index < len(text):
        if index in special:
            end, weight = special[index]
            total += weight
            index = end
            continue
        char = text[index]
        if upper_bound and char in _TEXT_DEFAULT_PICTOGRAPHS:
            total += _DEFAULT_WEIGHT
        else:
            total += _code_point_weight(char)
        index += 1
    return total // _SCALE


def is_valid_post(text: str) -> bool:
    """twitter-text's `valid`: not empty, no invalid characters, at most 280 weighted."""
    text = normalize(text)
    if any(char in INVALID_CHARACTERS for char in text):
        return False
    return 0 < weighted_length(text) <= MAX_WEIGHTED_LENGTH
