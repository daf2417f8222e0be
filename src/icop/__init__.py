"""ICOP: Intelligent Content Orchestration Platform."""

__version__ = "0.1.0"
