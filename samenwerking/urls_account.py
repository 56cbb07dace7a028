from django.urls import path

from . import uitnodigingen
from . import views_tweestaps as views

app_name = "account"

urlpatterns = [
    path("tweestapsverificatie/", views.overzicht, name="tweestaps"),
    path("tweestapsverificatie/instellen/", views.instellen, name="tweestaps_instellen"),
    path("tweestapsverificatie/herstelcodes/", views.herstelcodes, name="herstelcodes"),
    path("tweestapsverificatie/uitschakelen/", views.uitschakelen, name="tweestaps_uitschakelen"),
    path("api-tokens/", views.api_tokens_overzicht, name="api_tokens"),
    path("api-tokens/<int:pk>/intrekken/", views.api_token_intrekken, name="api_token_intrekken"),
    # The link in an invitation e-mail; after the check the token gives way to "wachtwoord" in the address.
    path("uitnodiging/<str:uidb64>/<str:token>/", uitnodigingen.accepteren, name="uitnodiging"),
]
