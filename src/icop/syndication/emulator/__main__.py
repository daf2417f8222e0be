"""``python -m icop.syndication.emulator --port N``: the emulator process EmulatorProcess starts."""

from icop.syndication.emulator.server import main

main()
