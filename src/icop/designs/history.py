"""A design's history: every version kept (append-only), a head, and the versions undone from.
Pure values; the repository stores them (``design_versions`` rows and the design's head).

- apply then undo returns to the version before; redo after undo returns to the version undone;
- a new change after an undo starts a new branch from the head: the undone versions stay in
  the history (listed, restorable) but redo no longer reaches them;
- a change made against a head that is no longer the head is refused (``Conflict``), never
  merged: two people editing one design see the second save fail and reload.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from icop.designs.actions import Action
from icop.designs.apply import apply
from icop.designs.document import Design
from icop.errors import Conflict, NotFound


class StaleVersion(Conflict):
    code = "design_version_conflict"
    title = "The design changed since this version"


class NothingToUndo(Conflict):
    code = "nothing_to_undo"
    title = "There is nothing to undo"


class NothingToRedo(Conflict):
    code = "nothing_to_redo"
    title = "There is nothing to redo"


@dataclass(frozen=True)
class Version:
    number: int
    parent: int | None
    design: Design
    actions: tuple[Action, ...] = ()
    note: str = ""


@dataclass(frozen=True)
class History:
    versions: tuple[Version, ...]
    head: int
    undone: tuple[int, ...] = field(default=())
    """Versions undone from, the most recent last: what redo walks back to."""

    @classmethod
    def start(cls, design: Design, note: str = "created") -> History:
        return cls(versions=(Version(1, None, design, (), note),), head=1)

    @property
    def current(self) -> Version:
        return self.versions[self.head - 1]

    def change(self, expected_head: int, actions: Sequence[Action], note: str = "") -> History:
        """A new version with ``actions`` applied to the head; ``expected_head`` is the version
        the caller saw."""
        if expected_head != self.head:
            raise StaleVersion(
                f"the design is at version {self.head}, not {expected_head}: reload and retry",
                head=self.head,
            )
        design = apply(self.current.design, actions)
        version = Version(len(self.versions) + 1, self.head, design, tuple(actions), note)
        return History((*self.versions, version), head=version.number)

    def undo(self) -> History:
        parent = self.current.parent
        if parent is None:
            raise NothingToUndo()
        return History(self.versions, head=parent, undone=(*self.undone, self.head))

    def redo(self) -> History:
        if not self.undone:
            raise NothingToRedo()
        return History(self.versions, head=self.undone[-1], undone=self.undone[:-1])

    def restore(self, number: int, expected_head: int) -> History:
        """Version ``number``'s design as a new version (history is never rewritten)."""
        if expected_head != self.head:
            raise StaleVersion(
                f"the design is at version {self.head}, not {expected_head}: reload and retry",
                head=self.head,
            )
        if not 1 <= number <= len(self.versions):
            raise NotFound(f"the design has no version {number}")
        design = self.versions[number - 1].design
        version = Version(len(self.versions) + 1, self.head, design, (), f"restored {number}")
        return History((*self.versions, version), head=version.number)
