"""A Temporal workflow's steps as Mermaid, read from the workflow's own source.

Starting at the ``@workflow.run`` method and following calls to the class's own methods, it
lists in source order every activity the code executes, every child workflow it starts and
every durable wait, marking the steps that run only on some paths (inside an ``if``, an
``except`` or after a ``while`` decides) and those that repeat (in a loop or a fan-out such
as ``asyncio.gather`` over a comprehension). The diagram is therefore the code's shape, not a
hand-kept picture; what it cannot show (which branch a run takes) the live views show.
"""

from __future__ import annotations

import ast
import inspect
import textwrap
from dataclasses import dataclass

ACTIVITY_CALLS = {
    "execute_activity",
    "execute_activity_method",
    "execute_local_activity",
    "execute_local_activity_method",
    "start_activity",
    "start_activity_method",
}
CHILD_CALLS = {"execute_child_workflow", "start_child_workflow"}
WAIT_CALLS = {"wait_condition", "sleep"}
LOOPS = (ast.For, ast.AsyncFor, ast.While, ast.ListComp, ast.GeneratorExp, ast.SetComp)


@dataclass(frozen=True)
class Step:
    kind: str  # "activity", "child", "wait"
    name: str
    conditional: bool
    repeated: bool


@dataclass(frozen=True)
class WorkflowSteps:
    name: str
    steps: tuple[Step, ...]
    signals: tuple[str, ...]


def _decorated(function: ast.AST, decorator: str) -> bool:
    decorators = getattr(function, "decorator_list", [])
    return any(
        (isinstance(d, ast.Attribute) and d.attr == decorator)
        or (
            isinstance(d, ast.Call)
            and isinstance(d.func, ast.Attribute)
            and d.func.attr == decorator
        )
        for d in decorators
    )


def _target_name(node: ast.expr) -> str:
    """``Activities.publish`` → ``publish``; ``ArticleWorkflow.run`` → ``ArticleWorkflow``;
    a string (a workflow or activity by name) as it is."""
    if isinstance(node, ast.Attribute):
        if node.attr == "run" and isinstance(node.value, ast.Name):
            return node.value.id
        return node.attr
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    return ast.unparse(node)


def _is_patch_check(test: ast.expr) -> bool:
    return (
        isinstance(test, ast.Call)
        and isinstance(test.func, ast.Attribute)
        and test.func.attr == "patched"
        and isinstance(test.func.value, ast.Name)
        and test.func.value.id == "workflow"
    )


class _Walker:
    def __init__(self, methods: dict[str, ast.AsyncFunctionDef | ast.FunctionDef]) -> None:
        self.methods = methods
        self.steps: list[Step] = []
        self.visiting: list[str] = []

    def method(self, name: str, conditional: bool, repeated: bool) -> None:
        if name in self.visiting or name not in self.methods:
            return  # recursion, or not one of the class's own methods
        self.visiting.append(name)
        for statement in self.methods[name].body:
            self.visit(statement, conditional, repeated)
        self.visiting.pop()

    def visit(self, node: ast.AST, conditional: bool, repeated: bool) -> None:
        if isinstance(node, ast.Lambda | ast.FunctionDef | ast.AsyncFunctionDef):
            return  # defined here, run elsewhere (a wait_condition's predicate)
        if isinstance(node, ast.If):
            self.visit(node.test, conditional, repeated)
            # ``if workflow.patched(…)`` picks a version, not a path: one branch always runs,
            # so what both do is as certain as the ``if`` itself (publishing's local activity).
            branch = conditional if _is_patch_check(node.test) else True
            for child in [*node.body, *node.orelse]:
                self.visit(child, branch, repeated)
            return
        if isinstance(node, ast.Try):
            for child in [*node.body, *node.orelse, *node.finalbody]:
                self.visit(child, conditional, repeated)
            for handler in node.handlers:
                for child in handler.body:
                    self.visit(child, True, repeated)
            return
        if isinstance(node, LOOPS):
            for part in ast.iter_child_nodes(node):
                self.visit(part, conditional, True)
            return
        if isinstance(node, ast.Call):
            # Arguments first: they run before the call itself.
            for argument in [*node.args, *(k.value for k in node.keywords)]:
                self.visit(argument, conditional, repeated)
            self.call(node, conditional, repeated)
            return
        for inner in ast.iter_child_nodes(node):
            self.visit(inner, conditional, repeated)

    def call(self, node: ast.Call, conditional: bool, repeated: bool) -> None:
        function = node.func
        if not isinstance(function, ast.Attribute):
            return
        owner = function.value
        if isinstance(owner, ast.Name) and owner.id == "self":
            self.method(function.attr, conditional, repeated)
            return
        if not (isinstance(owner, ast.Name) and owner.id == "workflow"):
            return
        if function.attr in ACTIVITY_CALLS and node.args:
            self.steps.append(Step("activity", _target_name(node.args[0]), conditional, repeated))
        elif function.attr in CHILD_CALLS and node.args:
            self.steps.append(Step("child", _target_name(node.args[0]), conditional, repeated))
        elif function.attr in WAIT_CALLS:
            self.steps.append(Step("wait", function.attr, conditional, repeated))


def workflow_steps(workflow_class: type) -> WorkflowSteps:
    tree = ast.parse(textwrap.dedent(inspect.getsource(workflow_class)))
    definition = next(node for node in tree.body if isinstance(node, ast.ClassDef))
    methods = {
        node.name: node
        for node in definition.body
        if isinstance(node, ast.AsyncFunctionDef | ast.FunctionDef)
    }
    run = next((name for name, node in methods.items() if _decorated(node, "run")), None)
    if run is None:
        raise ValueError(f"{workflow_class.__name__} has no @workflow.run method")
    walker = _Walker(methods)
    walker.method(run, conditional=False, repeated=False)
    # A step reached on several paths (finish_run after success and after cancellation) is
    # one step: conditional only if every path to it is.
    merged: dict[tuple[str, str], Step] = {}
    for step in walker.steps:
        seen = merged.get((step.kind, step.name))
        merged[step.kind, step.name] = (
            step
            if seen is None
            else Step(
                step.kind,
                step.name,
                seen.conditional and step.conditional,
                seen.repeated or step.repeated,
            )
        )
    signals = tuple(name for name, node in methods.items() if _decorated(node, "signal"))
    defined = getattr(workflow_class, "__temporal_workflow_definition", None)
    name = getattr(defined, "name", None) or workflow_class.__name__
    return WorkflowSteps(name=name, steps=tuple(merged.values()), signals=signals)


def _box(index: int, step: Step) -> str:
    label = step.name + (" (repeats)" if step.repeated else "")
    if step.kind == "child":
        return f'  s{index}[["{label}<br/>child workflow"]]'
    if step.kind == "wait":
        return f'  s{index}(["{label}<br/>durable wait"])'
    return f'  s{index}["{label}"]'


def mermaid(described: WorkflowSteps) -> str:
    """A ``flowchart TD`` of the steps in order; dashed arrows into steps that run only on
    some paths; ``(repeats)`` on steps that repeat; the signals the workflow accepts as a note."""
    lines = ["flowchart TD", f'  start(["{described.name}"])']
    previous = "start"
    for index, step in enumerate(described.steps):
        lines.append(_box(index, step))
        lines.append(f"  {previous} {'-.->' if step.conditional else '-->'} s{index}")
        previous = f"s{index}"
    lines.append('  finish(["end"])')
    lines.append(f"  {previous} --> finish")
    if described.signals:
        lines.append(f'  signals>"signals: {", ".join(described.signals)}"]')
    return "\n".join(lines) + "\n"
