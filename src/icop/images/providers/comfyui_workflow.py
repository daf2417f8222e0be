"""ComfyUI workflows (API format) with placeholders for what each job changes.

A string value that is exactly ``{{seed}}``, ``{{width}}`` or ``{{height}}`` becomes that
integer; ``{{prompt}}`` is replaced inside any string, so a workflow may wrap the prompt in its
own style words. Placeholders rather than guessing node ids or class types: operators export
workflows from the ComfyUI editor ("Save (API)"), and node ids differ between any two.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

from icop.errors import ConfigurationError

BUNDLED = Path(__file__).with_name("comfyui_workflow.json")
PROMPT = "{{prompt}}"
NUMBERS = ("{{seed}}", "{{width}}", "{{height}}")


def load_workflow(path: Path | None = None) -> dict[str, Any]:
    source = path or BUNDLED
    try:
        workflow = json.loads(source.read_text())
    except (OSError, ValueError) as error:
        raise ConfigurationError(f"ComfyUI workflow {source}: {error}") from None
    if not isinstance(workflow, dict) or not all(
        isinstance(node, dict) and "class_type" in node for node in workflow.values()
    ):
        raise ConfigurationError(
            f"ComfyUI workflow {source} is not in API format (export it with 'Save (API)')"
        )
    if PROMPT not in json.dumps(workflow):
        raise ConfigurationError(f"ComfyUI workflow {source} has no {PROMPT} placeholder")
    return workflow


def inject(
    workflow: dict[str, Any], *, prompt: str, seed: int, width: int, height: int
) -> dict[str, Any]:
    numbers = dict(zip(NUMBERS, (seed, width, height), strict=True))

    def fill(value: Any) -> Any:
        if isinstance(value, str):
            if value in numbers:
                return numbers[value]
            return value.replace(PROMPT, prompt)
        if isinstance(value, dict):
            return {key: fill(item) for key, item in value.items()}
        if isinstance(value, list):
            return [fill(item) for item in value]
        return value

    filled: dict[str, Any] = fill(copy.deepcopy(workflow))
    return filled
