"""The drawings by family name: each category group's module registers its drawings with `@family`."""
from collections.abc import Callable

FAMILIES = {}


def family(name: str) -> Callable:
    """Register the decorated drawing under `name` (what a catalogue leaf or item names)."""
    def register(fn):
        FAMILIES[name] = fn
        return fn

    return register


def families() -> list[str]:
    """The registered family names, sorted."""
    return sorted(FAMILIES)
