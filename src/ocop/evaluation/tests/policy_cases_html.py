"""Policy cases: evaluation html (format: ocop.core.testing)."""

CASES: list = []
