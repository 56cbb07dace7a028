from django.urls import path

from . import views_tweestaps as views

app_name = "account"

urlpatterns = [
    path("tweestapsverificatie/", views.overzicht, name="tweestaps"),
    path("tweestapsverificatie/instellen/", views.instellen, name="tweestaps_instellen"),
    path("tweestapsverificatie/herstelcodes/", views.herstelcodes, name="herstelcodes"),
    path("tweestapsverificatie/uitschakelen/", views.uitschakelen, name="tweestaps_uitschakelen"),
]
