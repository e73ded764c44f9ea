"""A per-process memo for hot paths: values made once and kept under their key, the memo emptied
when it reaches its size, so its memory stays bounded whatever the keys (a client choosing keys,
say addresses or codes, only makes it start over)."""

from __future__ import annotations

from typing import Any


class Memo(dict):
    """A dict with a size: read it with `get` (the dict's own, as fast), add to it with `keep`."""

    __slots__ = ("size",)

    def __init__(self, size: int) -> None:
        super().__init__()
        self.size = size

    def keep(self, key: Any, value: Any) -> Any:
        """Keep `value` under `key`, emptying the memo first when it is full; returns `value`."""
        if len(self) >= self.size:
            self.clear()
        self[key] = value
        return value
