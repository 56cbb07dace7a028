"""Sections a higher app adds to the arrangement page and its history (the evaluations, from actiepunten).

Higher apps register from AppConfig.ready(), so arrangementen never imports them (tests/test_opbouw.py)."""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Aanvulling:
    """`context(user, arrangement, rechten)` returns the template's context, or None to show nothing."""

    sleutel: str
    template: str
    context: Callable


@dataclass(frozen=True)
class GevuldeAanvulling:
    template: str
    context: dict


_aanvullingen: dict[str, Aanvulling] = {}


def register(*, aanvulling: Aanvulling) -> None:
    """Registering the same `sleutel` again replaces it (ready() may run more than once)."""
    _aanvullingen[aanvulling.sleutel] = aanvulling


def for_arrangement(*, user, arrangement, rechten: set[str]) -> list[GevuldeAanvulling]:
    filled = []
    for sleutel in sorted(_aanvullingen):
        aanvulling = _aanvullingen[sleutel]
        context = aanvulling.context(user, arrangement, rechten)
        if context is not None:
            filled.append(GevuldeAanvulling(template=aanvulling.template, context=context))
    return filled
