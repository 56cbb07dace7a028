"""URLs of the aggregate pages above the driehoek (issue 16), under /beeld/."""

from django.urls import path

from .views.beeld import beeld, gemeente
from .views.beeldvergelijking import vergelijk

app_name = "beeld"

urlpatterns = [
    path("", beeld, name="overzicht"),
    path("gemeente/<int:pk>/", gemeente, name="gemeente"),
    path("vergelijk/", vergelijk, name="vergelijk"),
]
