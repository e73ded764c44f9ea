"""Policy cases: evaluation council (format: ocop.core.testing)."""

CASES: list = []
