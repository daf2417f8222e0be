"""A local stand-in for Facebook Pages, Instagram, Threads and X (issue #7, item 7).

It serves the subset of the four APIs our clients call — same paths, parameters, answers, limits
and error envelopes — plus their OAuth endpoints, under a path named after each real host
(``/graph.facebook.com``, ``/graph.threads.net``, ``/api.x.com`` …). ``/_emulator`` sets up
accounts, injects faults and lists what was received. Run it with ``icop emulator``, or in-process
with ``EmulatorServer``; point the clients at it with ``ICOP_PLATFORM_EMULATOR_URL``.
"""

from icop.emulators.platforms.app import create_app
from icop.emulators.platforms.server import EmulatorProcess, EmulatorServer
from icop.emulators.platforms.state import EmulatorState

__all__ = ["EmulatorProcess", "EmulatorServer", "EmulatorState", "create_app"]
