"""/api/v1/: one router for every app's API, plus the OpenAPI schema."""

from django.urls import path
from drf_spectacular.views import SpectacularAPIView
from rest_framework.routers import DefaultRouter

from actiepunten.api import ActiepuntViewSet, OverlegViewSet
from actiepunten.evaluaties.api import EvaluatieViewSet
from arrangementen.api import ArrangementViewSet
from arrangementen.api.beeld import BeeldViewSet
from samenwerking.api import DriehoekViewSet

router = DefaultRouter()
router.include_format_suffixes = False  # JSON only; one URL per resource
router.register("driehoeken", DriehoekViewSet, basename="driehoek")
router.register("arrangementen", ArrangementViewSet, basename="arrangement")
router.register("overleggen", OverlegViewSet, basename="overleg")
router.register("actiepunten", ActiepuntViewSet, basename="actiepunt")
router.register("evaluaties", EvaluatieViewSet, basename="evaluatie")
router.register("beeld", BeeldViewSet, basename="beeld")

app_name = "api"
urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    *router.urls,
]
