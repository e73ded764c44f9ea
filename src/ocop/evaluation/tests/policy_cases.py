"""Who may reach the evaluation pages and API (see ocop.core.testing for the format).

The cases live in three modules, one per part of the app: the API, the application pages and the
council pages.
"""

from ocop.evaluation.tests import policy_cases_api, policy_cases_council, policy_cases_html


def setup(world) -> None:
    for module in (policy_cases_api, policy_cases_html, policy_cases_council):
        hook = getattr(module, "setup", None)
        if hook is not None:
            hook(world)


CASES = [*policy_cases_api.CASES, *policy_cases_html.CASES, *policy_cases_council.CASES]
