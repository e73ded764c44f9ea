"""Who may reach the web shell's pages (see ocop.core.testing for the format)."""

from ocop.core.testing import EVERYONE, html

CASES = [
    html("web:home", allow=EVERYONE, note="landing page, or the dashboard once signed in"),
]
