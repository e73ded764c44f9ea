"""Policy cases: evaluation api (format: ocop.core.testing)."""

CASES: list = []
