"""Thompson sampling over judged win rates: which model writes in each of a contest's slots.

Every model's win rate in contests against other models has a Beta posterior,
Beta(prior_wins + wins, prior_losses + contests - wins). Each slot draws one sample per model
and takes the highest, so a model is picked as often as it is likely to be the best: a model
with a strong record takes most slots, an uncertain one still gets tried.

Guarantees (tested in tests/llm/contests/test_bandit.py):

- **Exploration never stops.** Each slot takes a uniformly random model with probability
  ``exploration_floor`` instead of its sample's best. The first slot is never reassigned, so
  every eligible model writes at least one draft of an article with probability at least
  ``exploration_floor / K`` (K eligible models), however lopsided the record has become.
  (The posterior alone keeps that probability above 0 too, but it shrinks towards 0 as the
  record grows; the floor keeps it measurable.)
- **A contest has rivals.** When more than one model is eligible and every slot drew the
  same one, the last slot takes the best other model of a fresh draw: a contest of one model
  against itself teaches nothing.
- **Only what is passed in is picked**: the caller passes the eligible models (configured,
  circuit closed, affordable within the tenant's budget); nothing else can be drawn.
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from icop.llm.policy import BestJudgedSettings


@dataclass(frozen=True, slots=True)
class Standing:
    """A model's record: contests against at least one other model, and how many it won."""

    wins: int = 0
    contests: int = 0


def posterior(standing: Standing, settings: BestJudgedSettings) -> tuple[float, float]:
    losses = max(0, standing.contests - standing.wins)
    return settings.prior_wins + standing.wins, settings.prior_losses + losses


def draw_slots(
    models: Sequence[str],
    standings: Mapping[str, Standing],
    slots: int,
    rng: random.Random,
    settings: BestJudgedSettings,
) -> list[str]:
    """One model per slot, from ``models`` (the eligible ones, deduplicated, in a stable
    order: ties and the random choices depend on it, and so does reproducibility)."""
    if not models:
        raise ValueError("no eligible model to draw from")
    picks = [_draw(models, standings, rng, settings) for _ in range(slots)]
    if slots > 1 and len(models) > 1 and len(set(picks)) == 1:
        others = [model for model in models if model != picks[0]]
        picks[-1] = _best_sample(others, standings, rng, settings)
    return picks


def _draw(
    models: Sequence[str],
    standings: Mapping[str, Standing],
    rng: random.Random,
    settings: BestJudgedSettings,
) -> str:
    if rng.random() < settings.exploration_floor:
        return rng.choice(list(models))
    return _best_sample(models, standings, rng, settings)


def _best_sample(
    models: Sequence[str],
    standings: Mapping[str, Standing],
    rng: random.Random,
    settings: BestJudgedSettings,
) -> str:
    best, best_sample = models[0], -1.0
    for model in models:
        alpha, beta = posterior(standings.get(model, Standing()), settings)
        sample = rng.betavariate(alpha, beta)
        if sample > best_sample:
            best, best_sample = model, sample
    return best
