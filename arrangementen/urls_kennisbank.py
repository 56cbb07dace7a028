"""URLs of the kennisbank (issue 17), under /kennisbank/."""

from django.urls import path

from .views import kennisbank

app_name = "kennisbank"

urlpatterns = [
    path("", kennisbank.overzicht, name="overzicht"),
    path("bibliotheek/", kennisbank.bibliotheek, name="bibliotheek"),
    path("praktijk/<int:pk>/", kennisbank.praktijk, name="praktijk"),
    path("aanbiedingen/", kennisbank.aanbiedingen, name="aanbiedingen"),
    path("aanbiedingen/<int:pk>/", kennisbank.beoordelen, name="beoordelen"),
]
