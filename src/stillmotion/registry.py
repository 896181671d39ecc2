"""A tiny registry of named backends, one per stage (depth, inpaint, flow, ...).

Backends register a factory under a name; neural factories import torch only when called, so listing
or importing a registry never imports heavy packages.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Generic, TypeVar

from .errors import InputError

T = TypeVar("T")


@dataclass(frozen=True)
class Entry(Generic[T]):
    name: str
    factory: Callable[..., T]
    description: str


class Registry(Generic[T]):
    def __init__(self, stage: str) -> None:
        self.stage = stage
        self._entries: dict[str, Entry[T]] = {}

    def register(self, name: str, description: str) -> Callable[[Callable[..., T]], Callable[..., T]]:
        def decorate(factory: Callable[..., T]) -> Callable[..., T]:
            self._entries[name] = Entry(name, factory, description)
            return factory

        return decorate

    def names(self) -> list[str]:
        return list(self._entries)

    def __iter__(self) -> Iterator[str]:
        """The names, as a dict's keys: ``sorted(FLOW_BACKENDS)``, ``"dis" in FLOW_BACKENDS``."""
        return iter(list(self._entries))

    def __contains__(self, name: object) -> bool:
        return name in self._entries

    def __len__(self) -> int:
        return len(self._entries)

    def entries(self) -> list[Entry[T]]:
        return list(self._entries.values())

    def create(self, name: str, **options) -> T:
        """The backend ``name`` made by its factory with ``options``; an unknown name, or an option its
        factory does not name (unless it takes ``**options``), is an InputError."""
        self.check(name)
        entry = self._entries[name]
        taken = _options_taken(entry.factory)
        if taken is not None:
            self.check_options(name, options, taken)
        return entry.factory(**options)

    def check(self, name: str) -> None:
        """An InputError when ``name`` is not a registered backend, listing those that are."""
        if name not in self._entries:
            raise InputError(f"unknown {self.stage} backend {name!r}; choose one of: {', '.join(self._entries)}")

    def check_options(self, name: str, options: dict, taken: list[str]) -> None:
        """An InputError naming the ``options`` that backend ``name`` does not take (``taken`` are its own);
        for a factory that hands ``**options`` on to a settings class, which checks them with this."""
        unknown = sorted(set(options) - set(taken))
        if unknown:
            raise InputError(f"the {self.stage} backend {name!r} does not take {', '.join(unknown)}; "
                             f"its options: {', '.join(taken) or 'none'}")  # fmt: skip


def _options_taken(factory: Callable) -> list[str] | None:
    """The keyword options ``factory`` names, or None when it takes any (``**options``)."""
    parameters = inspect.signature(factory).parameters.values()
    if any(p.kind is p.VAR_KEYWORD for p in parameters):
        return None
    return [p.name for p in parameters if p.kind in (p.KEYWORD_ONLY, p.POSITIONAL_OR_KEYWORD)]
