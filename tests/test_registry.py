"""Backend registries: named factories, listed and iterated by name."""

from __future__ import annotations

from stillmotion.flow import FLOW_BACKENDS
from stillmotion.registry import Registry


def test_a_registry_iterates_over_its_names():
    # sorted(stillmotion.flow.FLOW_BACKENDS) raised TypeError: 'Registry' object is not iterable
    assert sorted(FLOW_BACKENDS) == sorted(FLOW_BACKENDS.names())
    assert "dis" in FLOW_BACKENDS and "no-such" not in FLOW_BACKENDS and len(FLOW_BACKENDS) == len(FLOW_BACKENDS.names())
    registry: Registry[int] = Registry("test")
    registry.register("b", "second")(lambda: 2)
    registry.register("a", "first")(lambda: 1)
    assert list(registry) == ["b", "a"] and registry.create("a") == 1
