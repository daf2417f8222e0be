"""The editor engine's fast path, target selection, apply and render (issue #14).

    .venv/bin/python -m benchmarks.editor [--repeat 200]

On the held-out command set (tests/designs/data/commands.json, English and Korean, with the
actions each command means) and the poster design the tests share (a 1080 x 1350 canvas):

- ``command_accuracy``: commands whose actions come out exactly as expected;
- ``fast_path_share``: commands the rule-based path answers at all (the rest would go to the
  model path, which is not built yet: its accuracy is reported as n/a);
- ``target_accuracy``: the references inside those commands resolved to the expected objects;
- ``apply_p95_ms`` / ``render_p95_ms``: parse + apply of one command, and a full render of the
  poster (PNG), over ``--repeat`` runs, measured side by side in this one process.
- ``render_ssim_min`` needs a browser rendering of the same documents to compare with; it is
  n/a until the editor page exists.

Last line: RESULT command_accuracy=… target_accuracy=… fast_path_share=… apply_p95_ms=…
render_p95_ms=… render_ssim_min=n/a model_command_accuracy=n/a commands=…
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from pathlib import Path

from PIL import Image
from pydantic import TypeAdapter

from icop.designs.actions import Action
from icop.designs.apply import apply
from icop.designs.commands import parse
from icop.designs.document import Design
from icop.designs.render import render_png

DATA = Path(__file__).resolve().parent.parent / "tests" / "designs" / "data"
ACTIONS: TypeAdapter[list[Action]] = TypeAdapter(list[Action])


def _p95(samples: list[float]) -> float:
    return statistics.quantiles(samples, n=20)[-1] if len(samples) > 1 else samples[0]


def _targets(actions: list[Action]) -> list[tuple[str, ...]]:
    return [tuple(getattr(action, "targets", ())) for action in actions]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=200)
    args = parser.parse_args()

    poster = Design.model_validate(json.loads((DATA / "poster.json").read_text("utf-8")))
    cases = json.loads((DATA / "commands.json").read_text("utf-8"))
    exact = answered = targets_right = 0
    per_language: dict[str, list[bool]] = {}
    for case in cases:
        expected = ACTIONS.validate_python(case["actions"])
        parsed = parse(poster, case["command"])
        answered += parsed.status != "not_understood"
        right = list(parsed.actions) == expected
        exact += right
        targets_right += _targets(list(parsed.actions)) == _targets(expected)
        per_language.setdefault(case["language"], []).append(right)

    photo = Image.new("RGB", (800, 600), (90, 140, 60))
    apply_ms: list[float] = []
    render_ms: list[float] = []
    for index in range(args.repeat):
        case = cases[index % len(cases)]
        started = time.perf_counter()
        parsed = parse(poster, case["command"])
        apply(poster, parsed.actions)
        apply_ms.append((time.perf_counter() - started) * 1000)
        started = time.perf_counter()
        render_png(poster, lambda src: photo)
        render_ms.append((time.perf_counter() - started) * 1000)

    for language, results in sorted(per_language.items()):
        print(f"{language}: {sum(results)}/{len(results)} exact")
    print(
        "RESULT "
        f"command_accuracy={exact / len(cases):.3f} "
        f"target_accuracy={targets_right / len(cases):.3f} "
        f"fast_path_share={answered / len(cases):.3f} "
        f"apply_p95_ms={_p95(apply_ms):.2f} "
        f"render_p95_ms={_p95(render_ms):.1f} "
        "render_ssim_min=n/a model_command_accuracy=n/a "
        f"commands={len(cases)}"
    )


if __name__ == "__main__":
    main()
