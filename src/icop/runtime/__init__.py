"""What a process runs on: its clients (``clients.Runtime``), the embedded services ``icop up``
starts and ``icop down`` stops (``services``, ``database``), the workers it serves with their
activities built over its clients (``workers``), and its link to Temporal (``orchestration``).
A composition root: it may import every service, and no service imports it."""
