"""The ``best_judged`` draw against simulated judges of known quality (tests/llm/contests/
simulation.py): three models whose true three-way win probabilities are 0.6, 0.3 and 0.1.

What is guaranteed, with the shipped settings (exploration floor 0.05, Beta(1, 1) prior) and
fixed seeds, so every figure below is deterministic:

- convergence: in articles 51-300 the best model writes at least 60 % of all drafts, for each
  of 20 seeds (2/3 is the most it can write: one of the three slots always goes to a rival);
- a better model that arrives later is adopted: one added after 300 articles writes at least
  40 % of the drafts of articles 401-600;
- exploration never stops: every model writes in an article with probability at least
  floor / K (K models), however lopsided the record, and the worst model still writes after
  2,000 articles.
"""

from __future__ import annotations

import random

import pytest
from pydantic import ValidationError

from icop.llm.contests.bandit import Standing, draw_slots
from icop.llm.policy import BestJudgedSettings
from tests.llm.contests.simulation import SLOTS, Simulation, writes_probability

TRUE_WIN_PROBABILITY = {"good": 0.6, "fair": 0.3, "poor": 0.1}
SETTINGS = BestJudgedSettings()


@pytest.mark.parametrize("seed", range(20))
def test_it_converges_on_the_best_model_within_50_articles(seed: int) -> None:
    simulation = Simulation(dict(TRUE_WIN_PROBABILITY), seed)
    simulation.run(300)
    assert simulation.share("good", 51, 300) >= 0.60
    # The record it learned from ranks the models as the judge does.
    rates = {m: s.wins / s.contests for m, s in simulation.record.items() if s.contests}
    assert max(rates, key=rates.__getitem__) == "good"


@pytest.mark.parametrize("seed", range(10))
def test_a_better_model_that_arrives_later_is_adopted(seed: int) -> None:
    simulation = Simulation(dict(TRUE_WIN_PROBABILITY), seed)
    simulation.run(300)
    simulation.strengths["newcomer"] = 0.9  # no record: the prior alone gets it tried
    simulation.run(300)
    assert simulation.share("newcomer", 401, 600) >= 0.40


def test_exploration_never_stops_after_many_articles() -> None:
    simulation = Simulation(dict(TRUE_WIN_PROBABILITY), seed=1)
    simulation.run(2000)
    assert simulation.share("poor", 1001, 2000) > 0
    models = list(TRUE_WIN_PROBABILITY)
    written = writes_probability(models, simulation.record, SETTINGS, draws=20_000, seed=3)
    floor = SETTINGS.exploration_floor / len(models)
    for model in models:
        assert written[model] / 20_000 >= floor, (model, written)


def test_the_floor_holds_however_lopsided_the_record() -> None:
    # A posterior this sharp would practically never draw "poor" on its own.
    record = {
        "good": Standing(wins=1_000_000, contests=1_000_000),
        "fair": Standing(wins=0, contests=1_000_000),
        "poor": Standing(wins=0, contests=1_000_000),
    }
    models = list(record)
    draws = 30_000
    written = writes_probability(models, record, SETTINGS, draws=draws, seed=11)
    floor = SETTINGS.exploration_floor / len(models)
    # The first slot alone takes "poor" with probability floor / K (an expected 500 of
    # 30,000); 0.9 of it leaves room for sampling noise (about 4.5 standard deviations).
    assert written["poor"] >= 0.9 * floor * draws
    assert written["good"] == draws


def test_a_contest_always_has_a_rival_when_there_is_one() -> None:
    record = {"good": Standing(1000, 1000), "fair": Standing(0, 1000)}
    rng = random.Random(5)
    for _ in range(5000):
        assert len(set(draw_slots(["good", "fair"], record, SLOTS, rng, SETTINGS))) == 2
    # One eligible model: it takes every slot (a contest against itself, not learned from).
    assert draw_slots(["only"], {}, SLOTS, rng, SETTINGS) == ["only"] * SLOTS


def test_only_the_models_passed_in_are_drawn() -> None:
    rng = random.Random(9)
    record = {"expensive": Standing(1000, 1000)}  # the best record, but not eligible now
    for _ in range(2000):
        assert set(draw_slots(["cheap", "free"], record, SLOTS, rng, SETTINGS)) <= {
            "cheap",
            "free",
        }
    with pytest.raises(ValueError, match="no eligible model"):
        draw_slots([], record, SLOTS, rng, SETTINGS)


def test_exploration_cannot_be_configured_away() -> None:
    with pytest.raises(ValidationError):
        BestJudgedSettings(exploration_floor=0)
