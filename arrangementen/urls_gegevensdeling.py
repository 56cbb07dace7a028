"""The register of data flows across arrangements, under /gegevensdeling/: its own namespace, because its pk is a
driehoek's (the arrangementen URLs take an arrangement's)."""

from django.urls import path

from .views import gegevensdeling

app_name = "gegevensdeling"

urlpatterns = [
    path("", gegevensdeling.register, name="register"),
    path("driehoek/<int:pk>/", gegevensdeling.register_driehoek, name="driehoek"),
]
