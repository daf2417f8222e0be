"""The editor engine's fast path, model path, target selection, apply and render (issue #14).

    .venv/bin/python -m benchmarks.editor [--repeat 200] [--model | --no-model]
                                          [--ssim | --no-ssim]

On the held-out command set (tests/designs/data/commands.json, English and Korean, with the
actions each command means) and the poster design the tests share (a 1080 x 1350 canvas):

- ``command_accuracy``: commands whose actions come out right, over the whole set: the fast
  path's answer, or for a command it leaves (not understood) the model path's (``interpret``
  with the bundled model). Right means the expected actions exactly, or the same actions in
  another order that give the same design;
- ``fast_path_share``: commands the rule-based path answers at all;
- ``target_accuracy``: commands whose actions name the expected objects;
- ``model_command_accuracy``: the share right among the commands that reached the model (n/a
  with ``--no-model``; then those commands count as wrong in ``command_accuracy``);
- ``apply_p95_ms`` / ``render_p95_ms``: parse + apply of one fast-path command, and a full
  render of the poster (PNG), over ``--repeat`` runs, measured side by side in this process;
- ``render_ssim_min``: the lowest SSIM between the Pillow rendering of each test design and
  Fabric.js's in Chromium (benchmarks.editor_ssim, which also prints each design's; n/a with
  ``--no-ssim`` or without Node.js and web's ``fabric``).

``--model`` (the default when the bundled model's file is found: ICOP_BENCH_MODEL, this
checkout's ``.icop``/``.icop-test/llm``) starts the bundled model (llama.cpp) in a temporary
home. Run it under the shared lock: ``flock /tmp/icop-heavy.lock nice .venv/bin/python -m
benchmarks.editor``.

Last line: RESULT command_accuracy=… target_accuracy=… fast_path_share=… apply_p95_ms=…
render_p95_ms=… render_ssim_min=… model_command_accuracy=… commands=…
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import statistics
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from uuid import UUID

from PIL import Image
from pydantic import TypeAdapter

from benchmarks.editor_ssim import FABRIC, measure
from icop.designs.actions import Action
from icop.designs.apply import apply
from icop.designs.commands import parse
from icop.designs.document import Design
from icop.designs.errors import InvalidAction
from icop.designs.interpret import EditContext, default_context, interpret
from icop.designs.render import render_png
from icop.llm.local import DEFAULT_MODEL, LocalServer, ModelStore, ServerConfig, get_model
from icop.llm.policy import default_policy
from icop.llm.providers.local import LocalProvider
from icop.llm.smart_router import SmartRouter
from icop.llm.throttle import Throttle

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "designs" / "data"
ACTIONS: TypeAdapter[list[Action]] = TypeAdapter(list[Action])
TENANT = UUID("00000000-0000-4000-8000-00000000ed17")


def _p95(samples: list[float]) -> float:
    return statistics.quantiles(samples, n=20)[-1] if len(samples) > 1 else samples[0]


def _targets(actions: Sequence[Action]) -> list[tuple[str, ...]]:
    return sorted(tuple(getattr(action, "targets", ())) for action in actions)


def _key(action: Action) -> str:
    return action.model_dump_json()


def same(design: Design, got: Sequence[Action], expected: Sequence[Action]) -> bool:
    """The expected actions, or the same ones in another order giving the same design."""
    if list(got) == list(expected):
        return True
    if sorted(map(_key, got)) != sorted(map(_key, expected)):
        return False
    try:
        return apply(design, got) == apply(design, expected)
    except InvalidAction:
        return False


def model_file() -> str | None:
    """The bundled model's assembled file, if one is at hand (nothing is downloaded)."""
    if os.environ.get("ICOP_BENCH_MODEL"):
        return os.environ["ICOP_BENCH_MODEL"]
    spec = get_model(DEFAULT_MODEL)
    for home in (ROOT / ".icop", ROOT / ".icop-test" / "llm"):
        store = ModelStore(home, allow_fetch=False)
        if store.is_ready(spec):
            return str(store.path_for(spec))
    return None


async def ask_model(
    poster: Design, commands: list[str], model: str, context: EditContext
) -> tuple[list[tuple[Action, ...] | None], list[float]]:
    home = Path(tempfile.mkdtemp(prefix="icop-bench-editor-"))
    server = LocalServer(
        ServerConfig(home=home, model=model, port=0, parallel=1, ctx_per_slot=4096)
    )
    router = SmartRouter(
        {"local": LocalProvider(server, timeout_s=300)},
        default_policy(),
        Throttle(global_rate_per_minute=10_000, provider_concurrency={"local": 1}),
    )
    answers: list[tuple[Action, ...] | None] = []
    seconds: list[float] = []
    try:
        started = time.perf_counter()
        await asyncio.to_thread(server.start)
        print(f"local model ready in {time.perf_counter() - started:.1f}s")
        for command in commands:
            started = time.perf_counter()
            result = await interpret(
                poster, command, router=router, tenant_id=TENANT, context=context
            )
            seconds.append(time.perf_counter() - started)
            answers.append(result.actions if result.status == "ok" else None)
            print(f"  model [{result.status}] {command!r}: {result.description}")
    finally:
        await router.aclose()
        server.stop()
        shutil.rmtree(home, ignore_errors=True)
    return answers, seconds


def _browser_ssim() -> float | None:
    """The lowest SSIM between the server's and the browser's rendering of the test designs
    (benchmarks.editor_ssim); None where Node, Chromium or web's fabric is missing."""
    if not FABRIC.exists() or shutil.which("node") is None:
        print("  ssim: n/a (web/node_modules lacks fabric, or Node.js is missing)")
        return None
    with tempfile.TemporaryDirectory(prefix="icop-editor-ssim-") as out:
        scores = measure(Path(out))
    for name, score in scores.items():
        print(f"  ssim {name}: {score:.4f}")
    return min(scores.values())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=200)
    parser.add_argument(
        "--model",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="ask the bundled model for the commands the fast path leaves (default: when found)",
    )
    parser.add_argument(
        "--ssim",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="draw the test designs in Chromium with Fabric.js too (benchmarks.editor_ssim)",
    )
    args = parser.parse_args()

    poster = Design.model_validate(json.loads((DATA / "poster.json").read_text("utf-8")))
    cases = json.loads((DATA / "commands.json").read_text("utf-8"))
    expected = [ACTIONS.validate_python(case["actions"]) for case in cases]
    parsed = [parse(poster, case["command"]) for case in cases]
    answers: list[tuple[Action, ...] | None] = [
        p.actions if p.status == "ok" else None for p in parsed
    ]
    deferred = [i for i, p in enumerate(parsed) if p.status == "not_understood"]

    model = model_file() if args.model is not False else None
    if args.model and model is None:
        parser.error("no bundled model file found (set ICOP_BENCH_MODEL)")
    model_seconds: list[float] = []
    if model is not None and deferred:
        replies, model_seconds = asyncio.run(
            ask_model(poster, [cases[i]["command"] for i in deferred], model, default_context())
        )
        for index, reply in zip(deferred, replies, strict=True):
            answers[index] = reply

    right = [
        answer is not None and same(poster, answer, want)
        for answer, want in zip(answers, expected, strict=True)
    ]
    targets_right = [
        answer is not None and _targets(answer) == _targets(want)
        for answer, want in zip(answers, expected, strict=True)
    ]
    per_language: dict[str, list[bool]] = {}
    for case, ok in zip(cases, right, strict=True):
        per_language.setdefault(case["language"], []).append(ok)

    photo = Image.new("RGB", (800, 600), (90, 140, 60))
    apply_ms: list[float] = []
    render_ms: list[float] = []
    answered = [case for case, p in zip(cases, parsed, strict=True) if p.status == "ok"]
    for index in range(args.repeat):
        case = answered[index % len(answered)]
        started = time.perf_counter()
        apply(poster, parse(poster, case["command"]).actions)
        apply_ms.append((time.perf_counter() - started) * 1000)
        started = time.perf_counter()
        render_png(poster, lambda src: photo)
        render_ms.append((time.perf_counter() - started) * 1000)

    for language, results in sorted(per_language.items()):
        print(f"{language}: {sum(results)}/{len(results)} right")
    model_accuracy = "n/a"
    if model is not None and deferred:
        reached = [right[i] for i in deferred]
        model_accuracy = f"{sum(reached) / len(reached):.3f}"
        print(
            f"model path: {sum(reached)}/{len(reached)} right; "
            f"p50 {statistics.median(model_seconds):.1f}s per command ({Path(model).name})"
        )
    wrong = [cases[i]["command"] for i, ok in enumerate(right) if not ok]
    print("not right:", wrong)
    ssim_min = _browser_ssim() if args.ssim else None
    print(
        "RESULT "
        f"command_accuracy={sum(right) / len(cases):.3f} "
        f"target_accuracy={sum(targets_right) / len(cases):.3f} "
        f"fast_path_share={(len(cases) - len(deferred)) / len(cases):.3f} "
        f"apply_p95_ms={_p95(apply_ms):.2f} "
        f"render_p95_ms={_p95(render_ms):.1f} "
        f"render_ssim_min={'n/a' if ssim_min is None else f'{ssim_min:.3f}'} "
        f"model_command_accuracy={model_accuracy} "
        f"commands={len(cases)}"
    )


if __name__ == "__main__":
    main()
