"""``python -m icop.emulators.platforms --port N``: the emulator process EmulatorProcess starts."""

from icop.emulators.platforms.server import main

main()
