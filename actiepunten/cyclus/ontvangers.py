"""Who the verslag does not reach by e-mail, and why: shown before sending and recorded with the sending."""

from django.utils.translation import gettext as _


def not_reached(deelnames) -> list[str]:
    """'Naam (organisatie): reden' per deelnemer or afwezige without a usable e-mail address, in list order."""
    result = []
    for deelname in deelnames:
        gebruiker = deelname.gebruiker if deelname.gebruiker_id else None
        if gebruiker is None:
            reden = _("van buiten de driehoek, zonder e-mailadres in het systeem")
        elif not gebruiker.is_active:
            reden = _("account niet actief")
        elif not gebruiker.email:
            reden = _("geen e-mailadres in het systeem")
        else:
            continue
        result.append(f"{deelname}: {reden}")
    return result
