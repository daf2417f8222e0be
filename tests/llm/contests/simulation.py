"""Simulated contests with judges of known quality, for the ``best_judged`` draw.

Each model has a strength; a judge shown some drafts chooses one with probability
proportional to its writer's strength (Luce's choice rule). With strengths 0.6/0.3/0.1, a
three-way contest of one draft each is won 60/30/10 % of the time: the models' true win
probabilities. The record is kept as ``icop.llm.contests`` keeps it: one trial per draft
in a contest with another model, a win when that draft was chosen.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field

from icop.llm.contests.bandit import Standing, draw_slots
from icop.llm.policy import BestJudgedSettings

SLOTS = 3


@dataclass
class Simulation:
    strengths: dict[str, float]
    seed: int
    settings: BestJudgedSettings = field(default_factory=BestJudgedSettings)
    record: dict[str, Standing] = field(default_factory=dict)
    articles: list[list[str]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.draws = random.Random(self.seed)
        self.judge = random.Random(self.seed + 10_000)

    def run(self, articles: int) -> None:
        for _ in range(articles):
            self.article()

    def article(self) -> list[str]:
        models = list(self.strengths)
        picks = draw_slots(models, self.record, SLOTS, self.draws, self.settings)
        winner = self.judge.choices(range(len(picks)), [self.strengths[m] for m in picks])[0]
        if len(set(picks)) > 1:
            for index, model in enumerate(picks):
                old = self.record.get(model, Standing())
                self.record[model] = Standing(
                    wins=old.wins + (index == winner), contests=old.contests + 1
                )
        self.articles.append(picks)
        return picks

    def share(self, model: str, first: int, last: int) -> float:
        """The model's share of all drafts in articles ``first``..``last`` (1-based)."""
        drafts = [pick for picks in self.articles[first - 1 : last] for pick in picks]
        return drafts.count(model) / len(drafts)


def writes_probability(
    models: list[str],
    record: Mapping[str, Standing],
    settings: BestJudgedSettings,
    draws: int,
    seed: int,
) -> Counter[str]:
    """How often each model writes at least one draft of an article, over ``draws`` draws."""
    rng = random.Random(seed)
    counts: Counter[str] = Counter()
    for _ in range(draws):
        counts.update(set(draw_slots(models, record, SLOTS, rng, settings)))
    return counts
