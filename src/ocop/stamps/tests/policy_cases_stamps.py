"""Policy cases: stamps stamps (format: ocop.core.testing)."""

CASES: list = []
