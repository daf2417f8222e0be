"""`make run` for real (issue #8): `icop up` on a fresh ICOP_HOME with the bundled model runs
the demo on one small row — sub-topics, an article from the local model, images, posts on the
platform emulator on all four platforms (or, when the model wrote nothing usable, the reason
written back to the row) — prints the summary without a traceback, keeps serving, stops
cleanly on Ctrl-C, and a second start reuses everything instead of writing and posting again.

The whole chain with the fake model, asserted in the database and on the emulator, is
tests/planning/test_end_to_end.py; this test is what a new user sees, through the CLI."""

from __future__ import annotations

import csv
import os
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest

from icop.agents import prompts
from icop.agents.gate.scaffolding import leaked_sentences
from icop.agents.gate.text import repeated_sentences
from icop.agents.roles import default_roles
from tests.cli.test_cli import _free_port

pytestmark = [pytest.mark.slow]

PLAN = [
    ["Topic", "Status", "Sub-topics", "Articles", "Notes", "Mode", "Sub-topic count"],
    ["composting at home", "ready", "", "", "", "compare", "1"],
]
DEMO_DONE = re.compile(r"demo: (\d+) post\(s\) published|demo stopped|demo skipped")


class Up:
    """`icop up` in the foreground, its output collected line by line."""

    def __init__(self, env: dict[str, str]) -> None:
        self.lines: list[str] = []
        self.process = subprocess.Popen(
            [sys.executable, "-m", "icop", "up"],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.append(line)

    @property
    def output(self) -> str:
        return "".join(self.lines)

    def wait_for(self, pattern: re.Pattern[str], timeout_s: float) -> re.Match[str]:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            found = pattern.search(self.output)
            if found:
                return found
            if self.process.poll() is not None:
                time.sleep(0.5)  # the last lines
                break
            time.sleep(1.0)
        raise AssertionError(f"no {pattern.pattern!r} within {timeout_s:.0f} s:\n{self.output}")

    def interrupt(self) -> int:
        """Ctrl-C, as make forwards it; the exit status once everything has stopped."""
        self.process.send_signal(signal.SIGINT)
        try:
            status = self.process.wait(timeout=120)
        except subprocess.TimeoutExpired:
            self.process.kill()
            raise AssertionError(f"`icop up` did not stop on Ctrl-C:\n{self.output}") from None
        self._reader.join(timeout=10)
        return status


def test_make_run_takes_a_plan_row_to_posts_with_the_bundled_model(
    tmp_path: Path, default_model_path: Path
) -> None:
    home = tmp_path / "home"
    plan = tmp_path / "plan.csv"
    with plan.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(PLAN)
    api_port = _free_port()
    env = {
        **os.environ,
        "ICOP_HOME": str(home),
        "ICOP_ENVIRONMENT": "development",
        "ICOP_DB_NAME": "icop",
        "ICOP_API_PORT": str(api_port),
        "ICOP_TEMPORAL_PORT": str(_free_port()),
        "ICOP_EMULATOR_PORT": str(_free_port()),
        "ICOP_LLM_LOCAL_PORT": str(_free_port()),
        "ICOP_WORKER_METRICS_PORT": "0",
        # The model the test session assembled, by path (any local GGUF works).
        "ICOP_LLM_LOCAL_MODEL": str(default_model_path),
        "ICOP_DEMO_PLAN": str(plan),
        "ICOP_DEMO_ARTICLE_WORDS": "150",
    }

    up = Up(env)
    try:
        # Room for the publishability gate's second writing round on a busy 2-core machine.
        found = up.wait_for(DEMO_DONE, timeout_s=2100)
        assert found.group(1) is not None, up.output  # the demo finished (not stopped)
        published = int(found.group(1))
        base = f"http://127.0.0.1:{api_port}"
        assert httpx.get(f"{base}/healthz").status_code == 200  # still serving after the demo
    finally:
        status = up.interrupt()
    output = up.output
    assert status == 0, output
    # What the system handles itself (a retry, a fallback, a start after the commit) is at most
    # a line in the terminal, never a traceback (issue #9).
    assert "Traceback" not in output, output
    assert "the demo's output" in output, output
    for service in ("the platform emulator", "local model server", "Temporal dev server"):
        assert f"stopped {service}" in output, output
    assert "stopped embedded PostgreSQL" in output, output

    # The plan was written back, whatever the model made of the row: done, with its sub-topic
    # and the article's link, or the reason it is not.
    with (home / "demo" / "plan.csv").open(newline="", encoding="utf-8") as handle:
        _, row = list(csv.reader(handle))
    articles = list((home / "articles").glob("*/*.md"))
    if row[1] != "done":
        # A 0.5B model sometimes writes nothing publishable (it echoes its inputs, or loops):
        # the gate keeps it from being published (needs_review) and the row says why. What it
        # writes is measured by issue #10's harness (docs/quality.md), not asserted here (a
        # model's mood must not fail CI).
        assert row[1] in ("error", "partial") and row[4], row
        assert published == 0 and not articles, output
    else:
        assert published == 4, output  # one article, one post on each platform
        assert row[2] and row[3].startswith("http"), row
        assert "local:" in output, output  # drafts by the bundled model
        # The article file: front matter, headings, inline citations and its sources.
        (markdown_file,) = articles
        markdown = markdown_file.read_text(encoding="utf-8")
        front, _, body = markdown.removeprefix("---\n").partition("\n---\n")
        assert re.search(r"^title: \S", front, re.M), markdown
        assert re.search(r"^#{1,3} \S", body, re.M), markdown
        text, _, sources = body.rpartition("## Sources")
        assert re.search(r"\[\d+\]", text) and re.search(r"^1\. \S", sources, re.M), markdown
        # What the publishability gate guarantees, whatever the model wrote: no prompt text,
        # no sentence twice, every citation resolves and every listed source is cited.
        assert leaked_sentences(text, prompts.every_prompt(default_roles().all())) == []
        assert repeated_sentences(text) == [], markdown
        cited = {int(n) for n in re.findall(r"(?<!!)\[(\d+)\](?!\()", text)}
        assert cited == {int(n) for n in re.findall(r"^(\d+)\. ", sources, re.M)}, markdown

    # A second start reuses the tenant, the accounts, the pipeline and the row: nothing is
    # written or posted again.
    again = Up(env)
    try:
        found = again.wait_for(DEMO_DONE, timeout_s=600)
        assert found.group(1) == str(published), again.output
    finally:
        assert again.interrupt() == 0, again.output
    assert "Traceback" not in again.output, again.output
    assert len(list((home / "articles").glob("*/*.md"))) == len(articles)
