"""The dashboard's blocks. Higher apps register theirs from AppConfig.ready(), so samenwerking imports none of them."""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Blok:
    """One block: a heading, the rows `items(user)` returns (None: leave the block out for this user), shown with
    `template`; lower `volgorde` comes first.

    Blocks that read the same rows name one `gedeeld(user)` instead of `items`: it returns every such block's rows
    by sleutel and runs once per dashboard (one query for several blocks)."""

    sleutel: str
    volgorde: int
    template: str
    kop: str
    leeg: str
    items: Callable | None = None
    datum: str = ""
    gedeeld: Callable | None = None

    def __post_init__(self):
        if (self.items is None) == (self.gedeeld is None):
            raise ValueError(f"Blok {self.sleutel}: precies één van items en gedeeld.")


@dataclass(frozen=True)
class GevuldBlok:
    blok: Blok
    items: list

    @property
    def kop_id(self) -> str:
        return f"blok-{self.blok.sleutel}"


_blokken: dict[str, Blok] = {}


def register(*, blok: Blok) -> None:
    """Add a block; registering the same `sleutel` again replaces it (ready() may run more than once)."""
    _blokken[blok.sleutel] = blok


def blocks_for(*, user) -> list[GevuldBlok]:
    """Every registered block in order, with its rows for this user. A block whose `items` answers None has nothing
    to say to this user (not even its empty state) and is left out."""
    ordered = sorted(_blokken.values(), key=lambda blok: (blok.volgorde, blok.sleutel))
    shared: dict[Callable, dict] = {}
    result = []
    for blok in ordered:
        if blok.gedeeld is None:
            items = blok.items(user)
        else:
            if blok.gedeeld not in shared:
                shared[blok.gedeeld] = blok.gedeeld(user)
            items = shared[blok.gedeeld].get(blok.sleutel, [])
        if items is not None:
            result.append(GevuldBlok(blok=blok, items=list(items)))
    return result
