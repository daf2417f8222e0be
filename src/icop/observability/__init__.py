"""Telemetry: OpenTelemetry tracing and Prometheus metrics (issue #8)."""
