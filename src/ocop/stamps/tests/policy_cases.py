"""Who may reach the stamps pages and API (see ocop.core.testing for the format).

Two modules: stamp batches/activation/printing (policy_cases_stamps) and public verification,
scan log and alerts (policy_cases_verify).
"""

from ocop.stamps.tests import policy_cases_stamps, policy_cases_verify


def setup(world) -> None:
    for module in (policy_cases_stamps, policy_cases_verify):
        hook = getattr(module, "setup", None)
        if hook is not None:
            hook(world)


CASES = [*policy_cases_stamps.CASES, *policy_cases_verify.CASES]
