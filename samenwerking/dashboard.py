"""The dashboard's blocks. Higher apps register theirs from AppConfig.ready(), so samenwerking imports none of them."""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Blok:
    """One block: a heading, the rows `items(user)` returns (None: leave the block out for this user), shown with
    `template`; lower `volgorde` comes first."""

    sleutel: str
    volgorde: int
    template: str
    kop: str
    leeg: str
    items: Callable
    datum: str = ""


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
    filled = ((blok, blok.items(user)) for blok in ordered)
    return [GevuldBlok(blok=blok, items=list(items)) for blok, items in filled if items is not None]
