"""The afspraak form's library picker without script: 'Invoegen' posts the form as typed, and the page comes back
filled from the chosen clause (nothing is saved), asking before it replaces a typed titel or tekst."""

from django.contrib import messages
from django.shortcuts import render
from django.utils.translation import gettext as _

from .. import kiezer
from ..forms import AfspraakForm
from ..models import Arrangement, Modelafspraak


def _clause(value) -> Modelafspraak | None:
    try:
        pk = int(value or "")
    except ValueError:
        return None
    return Modelafspraak.objects.filter(pk=pk, actief=True, onderwerp__actief=True).first()


def insert_requested(request) -> bool:
    return request.method == "POST" and ("invoegen" in request.POST or "vervang" in request.POST)


def form_context(arrangement: Arrangement, form, **extra) -> dict:
    """What the afspraak form page shows; the library only beside a new afspraak."""
    library = kiezer.library_for(arrangement) if "modelafspraak" in form.fields else []
    return {"arrangement": arrangement, "form": form, "bibliotheek": library, **extra}


def insert(request, arrangement: Arrangement):
    """Re-render the form filled from the clause in 'invoegen' (or 'vervang': also replace typed text)."""
    replace = "vervang" in request.POST
    model = _clause(request.POST.get("vervang" if replace else "invoegen"))
    typed = {name: request.POST.get(name, "") for name in ("lock_version", "modelafspraak", "onderwerp",
                                                              *kiezer.TYPED_FIELDS, "verantwoordelijke")}
    if model is None:
        messages.error(request, _("Deze afspraak staat niet (meer) in de bibliotheek. Kies een andere."))
        form = AfspraakForm(initial=typed)
        return render(request, "arrangementen/afspraak_form.html", form_context(arrangement, form))
    invoeging = kiezer.insert(data=request.POST, model=model, previous=_clause(request.POST.get("modelafspraak")),
                              replace=replace)
    form = AfspraakForm(initial=invoeging.values)
    return render(request, "arrangementen/afspraak_form.html",
                  form_context(arrangement, form, invoeging=invoeging))
