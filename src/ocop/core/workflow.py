"""Explicit state machines: states are TextChoices, moves are declared transitions.

A transition names its verb, source states, target, the policy that may make it, and guards (each
returns None or a Vietnamese reason). `apply()` is the only code that assigns the status field; it
refuses anything else with InvalidTransition and returns the StatusChange data for the caller to store.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext_lazy as _

from ocop.core import clock
from ocop.core.access import require
from ocop.core.actor import Actor
from ocop.core.errors import DomainError, InvalidTransition

Guard = Callable[[Any], Any]  # returns None when satisfied, else a message


class GuardFailed(DomainError):
    code = "core.transition_guard_failed"
    status = 409
    title = _("Chưa đủ điều kiện")
    message = _("Chưa đủ điều kiện để thực hiện thao tác.")


@dataclass(frozen=True)
class Transition:
    verb: str
    source: frozenset[str]
    target: str
    policy: Callable[..., bool]
    guards: tuple[Guard, ...] = ()
    label: Any = ""
    doc: str = ""


def T(  # noqa: N802 - reads as a table row
    verb: str,
    *,
    source: Iterable[str],
    target: str,
    policy: Callable[..., bool],
    guards: Iterable[Guard] = (),
    label: Any = "",
    doc: str = "",
) -> Transition:
    return Transition(verb, frozenset(source), target, policy, tuple(guards), label, doc)


@dataclass
class Applied:
    obj: Any
    verb: str
    old: str
    new: str
    at: Any
    reason: str = ""


@dataclass
class StateMachine:
    field_name: str
    transitions: list[Transition]
    state_labels: Callable[[str], str] = field(default=lambda s: s)
    error_code: str = "core.invalid_transition"

    def __post_init__(self) -> None:
        verbs = [t.verb for t in self.transitions]
        if len(verbs) != len(set(verbs)):
            raise ValueError("duplicate transition verbs")
        self._by_verb = {t.verb: t for t in self.transitions}

    @property
    def verbs(self) -> list[str]:
        return list(self._by_verb)

    def transition(self, verb: str) -> Transition:
        try:
            return self._by_verb[verb]
        except KeyError:
            raise InvalidTransition(code=self.error_code, verb=verb, state="?") from None

    def state_of(self, obj: Any) -> str:
        return getattr(obj, self.field_name)

    def available(self, obj: Any, actor: Actor) -> list[Transition]:
        """Moves the actor may make now (guards not evaluated: buttons still explain failures)."""
        state = self.state_of(obj)
        out = []
        for t in self.transitions:
            if state in t.source and (actor.is_system or t.policy(actor, obj)):
                out.append(t)
        return out

    def apply(self, obj: Any, verb: str, *, actor: Actor, reason: str = "") -> Applied:
        t = self.transition(verb)
        state = self.state_of(obj)
        if state not in t.source:
            raise InvalidTransition(
                code=self.error_code,
                verb=str(t.label or verb),
                state=str(self.state_labels(state)),
            )
        require(actor, t.policy, obj)
        for guard in t.guards:
            problem = guard(obj)
            if problem:
                raise GuardFailed(problem)
        setattr(obj, self.field_name, t.target)
        return Applied(obj=obj, verb=verb, old=state, new=t.target, at=clock.now(), reason=reason)
