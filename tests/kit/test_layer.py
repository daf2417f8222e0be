"""``icop.kit`` is the bottom layer: it may be imported by every service and imports none."""

from __future__ import annotations

import ast
from pathlib import Path

import icop.kit

KIT = Path(icop.kit.__file__).parent


def test_kit_imports_no_other_icop_package() -> None:
    for module in sorted(KIT.glob("*.py")):
        tree = ast.parse(module.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            elif isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            else:
                continue
            outside = [n for n in names if n.partition(".")[0] == "icop" and n != "icop.kit"]
            outside = [n for n in outside if not n.startswith("icop.kit.")]
            assert not outside, f"{module.name} imports {outside}"
