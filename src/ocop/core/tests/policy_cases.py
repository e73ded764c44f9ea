"""Who may reach the operational endpoints (see ocop.core.testing for the format)."""

from ocop.core.testing import EVERYONE, html

CASES = [
    html("healthz", allow=EVERYONE, note="load balancers and benchmarks"),
    html("readyz", allow=EVERYONE, note="load balancers"),
]
