"""The alert rules: promtool accepts them and their unit tests (each alert quiet, firing, then
cleared); every alert has a runbook in docs/operations.md; every metric they read is one ICOP
exports."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from icop.observability import metrics

ROOT = Path(__file__).resolve().parents[2]
RULES = ROOT / "deploy" / "prometheus" / "alerts.yml"
RULE_TESTS = ROOT / "deploy" / "prometheus" / "tests" / "alerts_test.yml"


def alerts() -> list[dict]:  # type: ignore[type-arg]
    groups = yaml.safe_load(RULES.read_text())["groups"]
    return [rule for group in groups for rule in group["rules"] if "alert" in rule]


def promtool(*args: str) -> subprocess.CompletedProcess[str]:
    if shutil.which("promtool") is None:
        pytest.skip("promtool is not installed: run scripts/system-deps.sh (make test does)")
    return subprocess.run(
        ["promtool", *args], capture_output=True, text=True, timeout=120, check=False
    )


def test_promtool_accepts_the_rules() -> None:
    done = promtool("check", "rules", str(RULES))
    assert done.returncode == 0, done.stdout + done.stderr


def test_every_alert_fires_and_clears_in_promtools_unit_tests() -> None:
    done = promtool("test", "rules", str(RULE_TESTS))
    assert done.returncode == 0, done.stdout + done.stderr
    cases = yaml.safe_load(RULE_TESTS.read_text())["tests"]
    checks = [check for case in cases for check in case["alert_rule_test"]]
    for rule in alerts():
        mine = [check for check in checks if check["alertname"] == rule["alert"]]
        assert any(check["exp_alerts"] for check in mine), f"{rule['alert']} never fires"
        firing = max(check["eval_time"] for check in mine if check["exp_alerts"])
        cleared = [c for c in mine if not c["exp_alerts"] and _minutes(c) > _minutes(firing)]
        assert cleared, f"{rule['alert']} is never shown to clear"


def _minutes(check: dict | str) -> int:  # type: ignore[type-arg]
    text = check if isinstance(check, str) else check["eval_time"]
    return int(text.removesuffix("m"))


def test_prometheus_loads_the_rules() -> None:
    config = yaml.safe_load((ROOT / "deploy" / "prometheus.yml").read_text())
    assert (ROOT / "deploy" / config["rule_files"][0]) == RULES


def test_every_alert_has_a_runbook_entry() -> None:
    operations = (ROOT / "docs" / "operations.md").read_text()
    headings = {
        re.sub(r"[^a-z0-9]", "", line.lstrip("#").strip().lower())
        for line in operations.splitlines()
        if line.startswith("#### ")
    }
    for rule in alerts():
        anchor = rule["annotations"]["runbook"].split("#", 1)[1]
        assert anchor in headings, f"docs/operations.md lacks a '#### {rule['alert']}' runbook"
        assert rule["labels"]["severity"] in {"critical", "warning"}


def test_every_metric_the_alerts_read_is_exported() -> None:
    # Touch the labelled series so that the exposition lists every family with its samples.
    metrics.watch_disk("home", ROOT)
    metrics.watch_pool("alert-test", lambda: (1, 10))
    exported = metrics.exposition().decode()
    names = set(re.findall(r"^# TYPE (\S+) ", exported, flags=re.MULTILINE))
    suffixes = ("_total", "_bucket", "_count", "_sum")
    read = {name for rule in alerts() for name in re.findall(r"\bicop_[a-z_]+", rule["expr"])}
    assert len(read) >= 10
    for name in read:
        family = next((name.removesuffix(s) for s in suffixes if name.endswith(s)), name)
        assert family in names or name in names, f"an alert reads {name}, which is not exported"
