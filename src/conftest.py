"""Cross-cutting fixtures. App-specific factories live in each app's tests/factories.py."""

import os

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's loop in browser tests
