"""The shapes of the demo catalogue: an item a seller may list and a leaf category's listing data."""
from dataclasses import dataclass, field


@dataclass
class Item:
    title: str
    low: int
    high: int
    family: str | None = None
    notes: tuple = ()
    style: dict = field(default_factory=dict)


def item(title: str, low: int, high: int, family: str | None = None, *notes: str, **style) -> Item:
    return Item(title, low, high, family, notes, style)


@dataclass
class Leaf:
    family: str
    weight: int
    items: list
    features: list
    bulk: bool = False  # sellers often have several units (books, cosmetics...)
