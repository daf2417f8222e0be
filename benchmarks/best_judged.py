"""``best_judged`` benchmark: the writers' Thompson sampling against simulated judges of known
quality (tests/llm/contests/simulation.py), over many seeds. Pure computation, seconds.

Three models whose true three-way win probabilities are 0.6, 0.3 and 0.1; three writer slots
per article. Reported: the best model's share of all drafts in articles 51-300 (the most it
can have is 2/3, one slot always goes to a rival), the article after which it keeps at least
60 % of the drafts of every later window of 20 articles (90th percentile over seeds), the
chance that the worst model still writes in an article after 2,000 articles, the share a
better model added after 300 articles reaches in articles 401-600, and one draw's cost.

    .venv/bin/python -m benchmarks.best_judged [--seeds 50]

Last line: RESULT best_share=… min_best_share=… converged_by_p90=… worst_writes_p=…
newcomer_share=… draw_us=…
"""

from __future__ import annotations

import argparse
import random
import statistics
import time

from icop.llm.contests.bandit import Standing, draw_slots
from icop.llm.policy import BestJudgedSettings
from tests.llm.contests.simulation import SLOTS, Simulation, writes_probability

TRUE_WIN_PROBABILITY = {"good": 0.6, "fair": 0.3, "poor": 0.1}
WINDOW = 20


def converged_by(simulation: Simulation, model: str, threshold: float = 0.6) -> int:
    """The first article after which every window of ``WINDOW`` articles gives ``model`` at
    least ``threshold`` of the drafts."""
    total = len(simulation.articles)
    last_bad = 0
    for start in range(1, total - WINDOW + 2):
        if simulation.share(model, start, start + WINDOW - 1) < threshold:
            last_bad = start + WINDOW - 1
    return last_bad


def main(seeds: int) -> None:
    settings = BestJudgedSettings()
    shares, converged, newcomer = [], [], []
    for seed in range(seeds):
        simulation = Simulation(dict(TRUE_WIN_PROBABILITY), seed)
        simulation.run(300)
        shares.append(simulation.share("good", 51, 300))
        converged.append(converged_by(simulation, "good"))
        simulation.strengths["newcomer"] = 0.9
        simulation.run(300)
        newcomer.append(simulation.share("newcomer", 401, 600))
    long_run = Simulation(dict(TRUE_WIN_PROBABILITY), seed=1)
    long_run.run(2000)
    draws = 20_000
    written = writes_probability(list(TRUE_WIN_PROBABILITY), long_run.record, settings, draws, 3)
    worst = written["poor"] / draws

    models = [f"provider:model-{n}" for n in range(5)]
    record = {m: Standing(wins=n * 40, contests=400) for n, m in enumerate(models)}
    rng = random.Random(0)
    started = time.perf_counter()
    for _ in range(10_000):
        draw_slots(models, record, SLOTS, rng, settings)
    draw_us = (time.perf_counter() - started) / 10_000 * 1e6

    p90 = sorted(converged)[int(0.9 * (len(converged) - 1))]
    floor = settings.exploration_floor / len(TRUE_WIN_PROBABILITY)
    print(
        f"{seeds} seeds: best model's share of drafts in articles 51-300 "
        f"mean {statistics.mean(shares):.3f} (min {min(shares):.3f}, at most 0.667); keeps "
        f">= 60 % of every {WINDOW}-article window after article {p90} (p90); worst model "
        f"writes in {worst:.1%} of articles after 2,000 (floor {floor:.1%}); "
        f"newcomer (0.9) share in 401-600 {statistics.mean(newcomer):.3f}; "
        f"one draw (5 models, 3 slots) {draw_us:.0f} us"
    )
    print(
        f"RESULT best_share={statistics.mean(shares):.3f} min_best_share={min(shares):.3f} "
        f"converged_by_p90={p90} worst_writes_p={worst:.4f} "
        f"newcomer_share={statistics.mean(newcomer):.3f} draw_us={draw_us:.1f}"
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description="best_judged against simulated judges")
    parser.add_argument("--seeds", type=int, default=50)
    main(parser.parse_args().seeds)
