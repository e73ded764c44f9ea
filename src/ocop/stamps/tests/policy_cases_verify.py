"""Policy cases: stamps verify (format: ocop.core.testing)."""

CASES: list = []
