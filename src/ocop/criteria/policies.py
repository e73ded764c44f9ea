"""Who may do what with rule sets. Rule sets are national data: no jurisdiction scope applies."""

from __future__ import annotations

from ocop.accounts.constants import Role
from ocop.core.actor import Actor

EDITORS = (Role.ADMIN, Role.PROVINCE_OFFICER)
VIEWERS = (*EDITORS, Role.INSPECTOR, Role.COUNCIL_MEMBER)


def can_view_rulesets(actor: Actor, obj=None) -> bool:
    return actor.is_system or actor.has_role(*VIEWERS)


def can_import_ruleset(actor: Actor, obj=None) -> bool:
    return actor.is_system or actor.has_role(*EDITORS)


def can_confirm_ruleset(actor: Actor, obj=None) -> bool:
    """Confirming that a transcription matches the official text is an officer's act."""
    return actor.has_role(*EDITORS)


def can_delete_ruleset(actor: Actor, obj=None) -> bool:
    return actor.is_system or actor.has_role(Role.ADMIN)
