from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from arrangementen.views_documenten import verify
from samenwerking.beveiliging import gezondheid
from samenwerking.oidc import OIDCStart, OIDCTerug
from samenwerking.views import InlogView
from samenwerking.views_tweestaps import verificatie

# Dutch, and revealing nothing: a bad Host header or an over-large body (JSON under /api/).
handler400 = "samenwerking.beveiliging.bad_request"

admin.site.site_header = _("Beheer handhavingsarrangementen")
admin.site.site_title = _("Beheer")
admin.site.index_title = _("Referentiegegevens en lidmaatschappen")

urlpatterns = [
    path("inloggen/", InlogView.as_view(), name="login"),
    path("inloggen/verificatie/", verificatie, name="login_verificatie"),
    path("oidc/inloggen/", OIDCStart.as_view(), name="oidc_start"),
    path("oidc/terug/", OIDCTerug.as_view(), name="oidc_terug"),
    path("uitloggen/", auth_views.LogoutView.as_view(), name="logout"),
    path("account/", include("samenwerking.urls_account")),
    path("beheer/", admin.site.urls),
    path("api/v1/", include("config.api_urls")),
    path("arrangementen/", include("arrangementen.urls")),
    path("gegevensdeling/", include("arrangementen.urls_gegevensdeling")),
    path("actiepunten/", include("actiepunten.urls")),
    path("beeld/", include("arrangementen.urls_beeld")),
    path("kennisbank/", include("arrangementen.urls_kennisbank")),
    path("verifieer/", verify, name="verifieer"),
    path("gezondheid/", gezondheid, name="gezondheid"),
    path("beveiliging/", include("samenwerking.urls_beveiliging")),
    path("", include("samenwerking.urls")),
]
