from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from . import dashboard as dashboard_registry
from . import oidc, selectors, toegang, werkgroepen
from .forms import InlogForm
from .geschiedenis import build_timeline
from .models import Driehoek, Gebruiker, Lidmaatschap, Rol


class InlogView(auth_views.LoginView):
    form_class = InlogForm
    template_name = "registration/login.html"
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if oidc.enabled():
            context["oidc_url"] = oidc.start_url(self.get_redirect_url())
            context["oidc_naam"] = settings.OIDC_NAAM
            context["oidc_mislukt"] = self.request.GET.get("oidc") == "mislukt"
        return context


@require_GET
@login_required
def dashboard(request):
    return render(request, "samenwerking/dashboard.html", {
        "driehoeken": selectors.dashboard_driehoeken(request.user),
        "blokken": dashboard_registry.blocks_for(user=request.user),
    })


@require_GET
@login_required
def driehoek_detail(request, pk: int):
    driehoek = selectors.get_driehoek(request.user, pk)
    if driehoek.is_werkgroep:
        return render(request, "samenwerking/werkgroep_detail.html", {
            "driehoek": driehoek,
            "groepen": werkgroepen.members_per_organisation(selectors.driehoek_members(driehoek)),
            "rechten": toegang.permissions_on(request.user, driehoek),
        })
    return render(request, "samenwerking/driehoek_detail.html", {
        "driehoek": driehoek,
        "gemeenten": list(driehoek.gemeenten.order_by("weergavenaam")),
        "leden": selectors.driehoek_members(driehoek),
        "rechten": toegang.permissions_on(request.user, driehoek),
    })


def _describe_driehoek_record(record, resolver):
    if record.instance_type is Lidmaatschap:
        return _("Lidmaatschap van %(gebruiker)s als %(rol)s") % {
            "gebruiker": resolver.label(Gebruiker, record.gebruiker_id),
            "rol": Rol(record.rol).label,
        }
    if record.soort == Driehoek.Soort.WERKGROEP:
        return _("Werkgroep “%(naam)s”") % {"naam": record.naam}
    return _("Driehoek “%(naam)s”") % {"naam": record.naam}


@require_GET
@login_required
def driehoek_geschiedenis(request, pk: int):
    driehoek = selectors.get_driehoek(request.user, pk)
    events = build_timeline(
        Driehoek.history.filter(id=driehoek.pk),
        Lidmaatschap.history.filter(driehoek_id=driehoek.pk),
        describe=_describe_driehoek_record,
    )
    page = Paginator(events, 50).get_page(request.GET.get("pagina"))
    return render(request, "samenwerking/driehoek_geschiedenis.html", {
        "driehoek": driehoek,
        "pagina": page,
    })


@require_GET
def over(request):
    return render(request, "samenwerking/over.html")
