"""Policy cases: certificates (format: ocop.core.testing)."""

CASES: list = []
