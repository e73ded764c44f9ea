"""Values derived from settings, computed once per process and again after any change of the
settings they read (`setting_changed`: `override_settings`, the `settings` test fixture).

For hot paths that would otherwise read Django's lazy settings (and derive keys from them) on
every request::

    @read_once("OCOP_VERIFY_RATE_LIMIT", "OCOP_TRUSTED_PROXIES")
    def limits() -> tuple[int, frozenset[str]]:
        return settings.OCOP_VERIFY_RATE_LIMIT, frozenset(settings.OCOP_TRUSTED_PROXIES)

    limits()  # built at the first call, then kept
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, Generic, TypeVar

from django.core.signals import setting_changed

T = TypeVar("T")
_UNSET: Any = object()


class ReadOnce(Generic[T]):
    """A zero-argument builder's value, kept until one of `names` changes."""

    def __init__(self, build: Callable[[], T], names: frozenset[str]) -> None:
        self._build = build
        self.names = names
        self._value: T = _UNSET
        functools.update_wrapper(self, build)

    def __call__(self) -> T:
        value = self._value
        if value is _UNSET:
            value = self._value = self._build()
        return value

    def forget(self, *, setting: str = "", **_signal: object) -> None:
        """Drop the kept value when one of its settings changes (or with no setting named)."""
        if not setting or setting in self.names:
            self._value = _UNSET


def read_once(*names: str) -> Callable[[Callable[[], T]], ReadOnce[T]]:
    """Decorate a zero-argument builder that reads the settings `names`."""

    def wrap(build: Callable[[], T]) -> ReadOnce[T]:
        kept = ReadOnce(build, frozenset(names))
        setting_changed.connect(
            kept.forget, weak=False, dispatch_uid=f"{build.__module__}.{build.__qualname__}"
        )
        return kept

    return wrap
