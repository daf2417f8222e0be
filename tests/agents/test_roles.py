"""roles.yaml: declared once, validated against the schema catalog and the router's tasks."""

from __future__ import annotations

from typing import Any

import pytest
import yaml

from icop.agents.exceptions import RoleConfigError
from icop.agents.roles import ROLE_NAMES, ROLES_FILE, default_roles, parse_roles
from icop.llm.policy import default_policy
from icop.llm.tasks import TaskKind


def _document() -> dict[str, Any]:
    document: dict[str, Any] = yaml.safe_load(ROLES_FILE.read_text(encoding="utf-8"))
    return document


def test_every_role_the_graph_runs_is_declared() -> None:
    book = default_roles()
    assert set(ROLE_NAMES) <= set(book.roles)
    for spec in book.all():
        assert spec.role and spec.goal and spec.backstory and spec.version == book.version
        assert default_policy().candidates(spec.task), spec.name


def test_three_writers_have_three_routes_on_three_vendors() -> None:
    book = default_roles()
    tasks = [book[name].task for name in ("writer_a", "writer_b", "writer_c")]
    assert tasks == [TaskKind.WRITE_DRAFT_A, TaskKind.WRITE_DRAFT_B, TaskKind.WRITE_DRAFT_C]
    routes = [[c.provider for c in default_policy().candidates(task)] for task in tasks]
    assert routes == [["openai", "local"], ["anthropic", "local"], ["gemini", "local"]]


def test_prose_and_structured_roles() -> None:
    book = default_roles()
    assert book["writer_a"].prose and book["merger"].prose and book["translator"].prose
    assert not book["editor"].prose and not book["seo"].prose
    # The editor judges only (scores, a pick, why): its task's default room is enough.
    assert book["editor"].max_tokens is None


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"tools": ["telepathy"]}, "unknown tools"),
        ({"output": "NoSuchModel"}, "no schema named"),
        ({"output": "DraftText"}, "needs a structured output"),
        ({"input": "EditorInput"}, "would drop EditorInput fields"),
        ({"input": "SeoMeta"}, "is not an input schema"),
        ({"task": "write.novel"}, "invalid role definition"),
        ({"colour": "blue"}, "invalid role definition"),
    ],
)
def test_invalid_definitions_fail_at_load(change: dict[str, Any], message: str) -> None:
    document = _document()
    document["roles"]["seo"].update(change)
    with pytest.raises(RoleConfigError, match=message):
        parse_roles(document)


def test_a_missing_role_fails_at_load() -> None:
    document = _document()
    del document["roles"]["merger"]
    with pytest.raises(RoleConfigError, match="merger"):
        parse_roles(document)


def test_unknown_role_name() -> None:
    with pytest.raises(RoleConfigError, match="no role named"):
        default_roles()["poet"]
