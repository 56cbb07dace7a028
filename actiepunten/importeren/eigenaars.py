"""Who a 'Wie' cell names: a member of the driehoek by name, e-mail, function or role, or an external person.

A name or e-mail address that fits one member is that member. A function ("Teamchef") or role
("Driehoeksecretaris") that fits one member is proposed; one that fits several is asked in the preview. The user
can change every proposal there, so the key of a choice is the Wie text itself.
"""

import hashlib
from dataclasses import dataclass, field

from .kolommen import normalise


@dataclass
class Lid:
    pk: int
    naam: str
    email: str = ""
    functie: str = ""
    rollen: list[str] = field(default_factory=list)  # role values and their Dutch labels

    def __str__(self):
        return f"{self.naam} ({self.functie})" if self.functie else self.naam


@dataclass(frozen=True)
class Koppeling:
    """The proposal for one Wie text: the member's pk or None (external), how it was found, other candidates."""

    pk: int | None
    via: str = ""  # "naam", "e-mail", "functie", "rol" or "" (external)
    kandidaten: tuple[int, ...] = ()


def sleutel(wie: str) -> str:
    """A form field name for the choice of one Wie text (the text itself may hold anything)."""
    return "wie_" + hashlib.sha256(normalise(wie).encode()).hexdigest()[:12]


def _bare(text: str) -> str:
    text = normalise(text)
    for prefix in ("de ", "het "):
        if text.startswith(prefix):
            text = text[len(prefix):]
    return text


def propose(wie: str, email: str, leden: list[Lid]) -> Koppeling:
    key, mail = _bare(wie), normalise(email)
    by_name = [lid.pk for lid in leden if key and key in (normalise(lid.naam), normalise(lid.email))]
    if not by_name and mail:
        by_name = [lid.pk for lid in leden if normalise(lid.email) == mail]
    if len(by_name) == 1:
        return Koppeling(by_name[0], "naam" if key == normalise(_name(leden, by_name[0])) else "e-mail")
    if len(by_name) > 1:
        return Koppeling(None, "naam", tuple(by_name))
    by_function = [lid.pk for lid in leden if key and key == normalise(lid.functie)]
    # "Teamchef" names the "Teamchef basisteam BES": a function written shorter, from its first word.
    by_function = by_function or [lid.pk for lid in leden if key and normalise(lid.functie).startswith(key + " ")]
    if by_function:
        return Koppeling(by_function[0] if len(by_function) == 1 else None, "functie", tuple(by_function))
    by_role = [lid.pk for lid in leden if key and key in {normalise(r) for r in lid.rollen}]
    if by_role:
        return Koppeling(by_role[0] if len(by_role) == 1 else None, "rol", tuple(by_role))
    return Koppeling(None)


def _name(leden: list[Lid], pk: int) -> str:
    return next((lid.naam for lid in leden if lid.pk == pk), "")
