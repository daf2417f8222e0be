from pathlib import Path

from icop.config import reference_markdown

ROOT = Path(__file__).resolve().parents[1]


def test_configuration_reference_is_current() -> None:
    documented = (ROOT / "docs" / "configuration.md").read_text()
    assert documented == reference_markdown(), (
        "docs/configuration.md is stale: run `.venv/bin/python -m icop.config > "
        "docs/configuration.md`"
    )
