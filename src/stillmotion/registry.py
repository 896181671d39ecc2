"""A tiny registry of named backends, one per stage (depth, inpaint, flow, ...).

Backends register a factory under a name; neural factories import torch only when called, so listing
or importing a registry never imports heavy packages.
"""

from __future__ import annotations

from collections.abc import Callable
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

    def entries(self) -> list[Entry[T]]:
        return list(self._entries.values())

    def create(self, name: str, **options) -> T:
        entry = self._entries.get(name)
        if entry is None:
            raise InputError(f"unknown {self.stage} backend {name!r}; choose one of: {', '.join(self._entries)}")
        return entry.factory(**options)
