"""Superset over the ``analytics`` views: the dashboards as code and ``icop analytics up``."""
