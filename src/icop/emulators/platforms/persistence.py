"""The emulator's memory kept on disk, so that restarting ``icop up`` is like restarting our
app against the real platforms: the accounts, the tokens we were granted and the posts we made
are still there. Without it every connected account's token was unknown after a restart, and
every post failed with "connect the account again".

The state is pickled: the file is written by this process into the user's own home (mode
0600), the same trust as the database beside it, and pickle keeps the dataclasses, enums and
tuple-keyed indexes without a schema of their own. A file that cannot be read (an older ICOP's
layout) is set aside and the emulator starts empty, as a fresh platform would.
"""

from __future__ import annotations

import logging
import os
import pickle
import threading
from dataclasses import fields
from pathlib import Path

from icop.emulators.platforms.state import EmulatorState

logger = logging.getLogger(__name__)

# Not saved: the lock is the process's own.
_TRANSIENT = frozenset({"lock"})


def save_state(state: EmulatorState, path: Path) -> None:
    with state.lock:
        saved = {item.name: getattr(state, item.name) for item in fields(state)}
        for name in _TRANSIENT:
            saved.pop(name)
        blob = pickle.dumps(saved, protocol=pickle.HIGHEST_PROTOCOL)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    partial.touch(mode=0o600)
    partial.write_bytes(blob)
    # Atomic: a kill while writing leaves the previous file whole.
    os.replace(partial, path)


def load_state(path: Path, *, seed: int = 7) -> EmulatorState:
    state = EmulatorState(seed=seed)
    if not path.exists():
        return state
    try:
        # Our own file in the user's home (see the module's docstring).
        saved = pickle.loads(path.read_bytes())  # noqa: S301
        known = {item.name for item in fields(state)} - _TRANSIENT
        for name, value in saved.items():
            if name in known:
                setattr(state, name, value)
    except Exception as error:  # any unreadable file means "start empty"
        aside = path.with_name(path.name + ".unreadable")
        os.replace(path, aside)
        logger.warning(
            "the platform emulator's saved state %s could not be read (%s); it was moved to %s "
            "and the emulator starts empty (connect the accounts again)",
            path,
            error,
            aside,
        )
        return EmulatorState(seed=seed)
    return state


class StateKeeper:
    """Saves the state to ``path`` at most every ``interval_s`` while requests change it, and
    once more at ``stop()``."""

    def __init__(self, state: EmulatorState, path: Path, *, interval_s: float = 1.0) -> None:
        self.state = state
        self.path = path
        self.interval_s = interval_s
        self._saved_revision = state.revision
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> StateKeeper:
        self._thread = threading.Thread(target=self._run, name="icop-emulator-state", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()
        if self._thread is not None:
            self._thread.join(timeout=10)
            self._thread = None
        self.save()

    def save(self) -> None:
        revision = self.state.revision
        save_state(self.state, self.path)
        self._saved_revision = revision

    def _run(self) -> None:
        while not self._stopping.wait(self.interval_s):
            if self.state.revision != self._saved_revision:
                try:
                    self.save()
                except OSError as error:
                    logger.warning("the platform emulator's state was not saved: %s", error)
