"""Seeded, dated trend items: the emulator's feeds, hashtag media, Pinterest keywords and
YouTube videos, and the benchmark's 10,000 items. Deterministic for a seed; dated relative to
``now`` so a run always finds them fresh.

Each theme combines subjects, claims and contexts into distinct items; ``variants`` makes the
near duplicates a syndicated web has (a tracking suffix, the feed's boilerplate line, changed
case and punctuation, one word swapped)."""

from __future__ import annotations

import itertools
import random
from dataclasses import dataclass
from datetime import datetime, timedelta

THEMES: dict[str, tuple[list[str], list[str], list[str], list[str]]] = {
    "balcony solar": (
        [
            "Balcony solar panels",
            "Plug-in solar kits",
            "Mini photovoltaic systems",
            "Renters' solar modules",
            "Apartment solar panels",
            "Small balcony power plants",
        ],
        [
            "cut electricity bills for flat owners",
            "now need only a simple registration",
            "pay for themselves within four years",
            "are selling out at hardware stores",
            "feed surplus power into the household grid",
            "get new safety rules for inverters",
        ],
        [
            "as energy prices climb this winter",
            "according to a consumer energy survey",
            "after the grid operators relaxed the limits",
            "in cities with many rented flats",
            "while installers report long waiting lists",
            "with subsidies from several towns",
        ],
        [
            "Owners mount them on railings without an electrician.",
            "The typical kit delivers 800 watts of peak power.",
            "Neighbours are comparing daily solar yields in online groups.",
            "Landlords can no longer refuse them without a reason.",
        ],
    ),
    "heat pumps": (
        [
            "Air-source heat pumps",
            "Heat pump installations",
            "Hybrid heat pump systems",
            "Ground-source heat pumps",
            "Heat pumps in old houses",
            "Monobloc heat pumps",
        ],
        [
            "are replacing gas boilers faster than expected",
            "work well even in poorly insulated homes",
            "qualify for a larger renovation grant",
            "run quieter with the new compressor designs",
            "lower heating costs when paired with a smart tariff",
            "face a shortage of trained installers",
        ],
        [
            "in a field study of two hundred homes",
            "as the boiler ban approaches",
            "says the national energy agency",
            "during the coldest week of the year",
            "in a report by the installers' federation",
            "across northern Europe",
        ],
        [
            "Radiators rarely need to be replaced.",
            "The flow temperature is the number that matters most.",
            "Noise limits apply to units close to a neighbour's window.",
            "Grants cover up to half of the installation cost.",
        ],
    ),
    "sourdough baking": (
        [
            "Sourdough starters",
            "Home sourdough bakers",
            "Rye sourdough loaves",
            "Overnight sourdough recipes",
            "Whole-grain sourdough",
            "Sourdough discard recipes",
        ],
        [
            "need only flour, water and patience",
            "rise better with a warmer proofing spot",
            "turn into crackers and pancakes instead of waste",
            "get an open crumb from gentle stretch and folds",
            "are easier to digest according to bakers",
            "can be revived after weeks in the fridge",
        ],
        [
            "as home baking surges again",
            "in a popular weekend baking class",
            "say award-winning artisan bakers",
            "on a busy baking forum",
            "after a viral video on scoring patterns",
            "with flour sales rising in autumn",
        ],
        [
            "Feed the starter twice a day for a week.",
            "A Dutch oven gives the crust its blisters.",
            "Hydration around seventy percent is a forgiving start.",
            "Bakers weigh everything in grams for repeatable loaves.",
        ],
    ),
    "trail running": (
        [
            "Trail running shoes",
            "Beginner trail runners",
            "Ultra trail races",
            "Mountain trail runs",
            "Trail running poles",
            "Night trail running",
        ],
        [
            "need more grip than cushioning on wet rock",
            "should walk the steep climbs to save energy",
            "are selling out weeks before the start",
            "build ankle strength over time",
            "help on long descents in the Alps",
            "require a headlamp and a spare battery",
        ],
        [
            "says a mountain running coach",
            "in the new race calendar",
            "as more runners leave the roads",
            "after a record season of entries",
            "in a survey of running clubs",
            "during the autumn race season",
        ],
        [
            "Carry water even on short loops.",
            "Start with routes under ten kilometres.",
            "Downhill technique saves the quads for the finish.",
            "Race organisers now require mandatory kit checks.",
        ],
    ),
    "home composting": (
        [
            "Home composting bins",
            "Worm composting",
            "Bokashi fermentation",
            "Backyard compost heaps",
            "Balcony composters",
            "Community compost sites",
        ],
        [
            "turn kitchen scraps into garden soil in months",
            "work in small flats without any smell",
            "need a balance of greens and browns",
            "reduce household waste by a third",
            "speed up when the pile is turned weekly",
            "accept coffee grounds and eggshells",
        ],
        [
            "says the city waste department",
            "as food waste collection becomes mandatory",
            "in a gardening club experiment",
            "according to a household waste study",
            "with spring planting around the corner",
            "in a new municipal program",
        ],
        [
            "Avoid meat and dairy in an open heap.",
            "Shredded cardboard keeps the mix from getting soggy.",
            "Finished compost smells like forest soil.",
            "Red wigglers eat half their weight in scraps every day.",
        ],
    ),
    "electric bikes": (
        [
            "Electric cargo bikes",
            "E-bike commuters",
            "Folding electric bikes",
            "E-bike batteries",
            "Electric mountain bikes",
            "Speed pedelecs",
        ],
        [
            "replace the second family car in many cities",
            "need a fire-safe place to charge indoors",
            "get new purchase subsidies",
            "make hilly commutes possible without sweat",
            "are stolen less often with GPS trackers",
            "cost little to run per kilometre",
        ],
        [
            "according to a city mobility report",
            "as bike lanes expand downtown",
            "says the cyclists' association",
            "in a year-long commuter study",
            "after the insurance rules changed",
            "during the spring bike fair",
        ],
        [
            "Range depends mostly on hills and rider weight.",
            "Most commuters charge twice a week.",
            "Cargo versions carry two children and the shopping.",
            "A good lock still matters more than the tracker.",
        ],
    ),
    "indoor plants": (
        [
            "Monstera plants",
            "Indoor herb gardens",
            "Low-light houseplants",
            "Self-watering planters",
            "Grow lights for houseplants",
            "Propagated cuttings",
        ],
        [
            "survive in north-facing rooms",
            "need less water in winter than owners think",
            "are swapped at neighbourhood plant markets",
            "root quickly in a glass of water",
            "keep herbs growing through the dark months",
            "prevent most cases of root rot",
        ],
        [
            "say experienced plant shop owners",
            "as plant swaps spread across cities",
            "in a survey of new plant parents",
            "on a popular plant care channel",
            "during the darkest months of the year",
            "in a greenhouse nursery report",
        ],
        [
            "Overwatering kills more plants than neglect.",
            "Drainage holes are not optional.",
            "Leaves turning yellow often mean too much water.",
            "A cheap moisture meter takes out the guesswork.",
        ],
    ),
    "cold plunge": (
        [
            "Cold water plunges",
            "Ice bath routines",
            "Winter sea swimming",
            "Cold showers",
            "Home cold plunge tubs",
            "Open-water winter swims",
        ],
        [
            "improve mood according to regular swimmers",
            "should start with thirty seconds",
            "draw crowds to frozen lakes at dawn",
            "need a buddy for safety",
            "are sold as recovery tools for athletes",
            "carry risks for people with heart conditions",
        ],
        [
            "says a sports medicine researcher",
            "as winter swimming clubs grow",
            "in a small study of office workers",
            "on a wellness podcast",
            "after a cold snap across the north",
            "in a lifeguard safety warning",
        ],
        [
            "Warm up slowly afterwards, not in a hot shower.",
            "Breathing calmly is the first skill to learn.",
            "Water under ten degrees counts as cold.",
            "Never plunge alone in open water.",
        ],
    ),
}
"""Eight themes; their names are the benchmark's true labels."""

SUFFIXES = ("(via Trend Wire)", "| Daily Digest", "- updated", "Read more")


@dataclass(frozen=True, slots=True)
class SeedItem:
    id: str
    theme: str
    title: str
    body: str
    published_at: datetime
    original: str
    """The id of the item this one copies (its own id when it is an original)."""


def originals(theme: str, count: int, rng: random.Random) -> list[tuple[str, str]]:
    """``count`` distinct (title, body) pairs of one theme."""
    subjects, claims, contexts, details = THEMES[theme]
    pairs = list(itertools.permutations(details, 2))
    combos = list(itertools.product(subjects, claims, contexts, pairs))
    rng.shuffle(combos)
    if count > len(combos):
        raise ValueError(f"theme {theme!r} has only {len(combos)} distinct items")
    return [
        (f"{subject} {claim}", f"{subject} {claim} {context}. {first} {second}")
        for subject, claim, context, (first, second) in combos[:count]
    ]


def variant(title: str, body: str, rng: random.Random) -> tuple[str, str]:
    """A near duplicate of an item, as syndication makes them."""
    kind = rng.randrange(4)
    if kind == 0:
        return title, f"{body} {rng.choice(SUFFIXES)}"
    if kind == 1:
        return title, f"{body}\nThe post {title} appeared first on Trend Wire."
    if kind == 2:
        return title.upper() if rng.random() < 0.3 else title.lower(), body.replace(".", "!", 1)
    words = body.split()
    position = rng.randrange(len(words))
    words[position] = {"the": "a", "a": "the", "in": "across"}.get(words[position], words[position])
    return title, " ".join(words) + " "


def seeded_items(
    *,
    feeds: int,
    per_feed: int,
    now: datetime,
    seed: int = 15,
    duplicate_share: float = 0.15,
    themes: list[str] | None = None,
) -> list[list[SeedItem]]:
    """Items of ``feeds`` feeds, ``per_feed`` each; every feed leans on two themes (as a real
    feed has a beat) and ``duplicate_share`` of the items copy an item of another feed."""
    rng = random.Random(seed)  # noqa: S311 - seeded test data, not secrets
    names = themes or list(THEMES)
    total = feeds * per_feed
    copies = int(total * duplicate_share)
    by_theme: dict[str, list[tuple[str, str]]] = {}
    per_theme = -(-(total - copies) // len(names)) + 1
    for theme in names:
        by_theme[theme] = originals(theme, per_theme, rng)
    cursor = dict.fromkeys(names, 0)
    result: list[list[SeedItem]] = [[] for _ in range(feeds)]
    made: list[SeedItem] = []
    slots = [(feed, n) for feed in range(feeds) for n in range(per_feed)]
    copy_slots = set(rng.sample(range(total), copies))
    for slot_index, (feed, n) in enumerate(slots):
        published = now - timedelta(minutes=rng.randrange(10, 36 * 60))
        if slot_index in copy_slots and made:
            source = rng.choice(made)
            title, body = variant(source.title, source.body, rng)
            item = SeedItem(f"f{feed}-{n}", source.theme, title, body, published, source.original)
        else:
            beat = names[(feed * 2 + rng.randrange(2)) % len(names)]
            if cursor[beat] >= len(by_theme[beat]):
                beat = min(names, key=lambda name: cursor[name] / len(by_theme[name]))
            title, body = by_theme[beat][cursor[beat]]
            cursor[beat] += 1
            item = SeedItem(f"f{feed}-{n}", beat, title, body, published, f"f{feed}-{n}")
            made.append(item)
        result[feed].append(item)
    return result
