from django.urls import path

from . import views
from .cyclus import views as cyclus_views
from .evaluaties import views as evaluatie_views
from .importeren import views as import_views

app_name = "actiepunten"

urlpatterns = [
    path("", views.mijn_actiepunten, name="mijn"),
    path("instellingen/", views.instellingen, name="instellingen"),
    path("agenda/<str:token>.ics", views.agenda_feed, name="agenda"),
    path("driehoek/<int:pk>/", views.actielijst, name="actielijst"),
    path("driehoek/<int:pk>/nieuw/", views.actiepunt_nieuw, name="actiepunt_nieuw"),
    path("driehoek/<int:pk>/overleggen/", views.overleggen, name="overleggen"),
    path("driehoek/<int:pk>/overleggen/nieuw/", views.overleg_nieuw, name="overleg_nieuw"),
    path("overleg/<int:pk>/", views.overleg_detail, name="overleg"),
    path("overleg/<int:pk>/bewerken/", views.overleg_bewerken, name="overleg_bewerken"),
    path("overleg/<int:pk>/importeren/", import_views.importeren_view, name="importeren"),
    path("overleg/<int:pk>/verslag.pdf", views.verslag_pdf, name="verslag_pdf"),
    path("overleg/<int:pk>/volgende/", cyclus_views.volgend_overleg, name="volgend_overleg"),
    path("overleg/<int:pk>/verslag/", cyclus_views.verslag_schrijven, name="verslag_schrijven"),
    path("overleg/<int:pk>/verslag/vaststellen/", cyclus_views.verslag_vaststellen, name="verslag_vaststellen"),
    path("overleg/<int:pk>/verslag/versturen/", cyclus_views.verslag_versturen, name="verslag_versturen"),
    path("driehoek/<int:pk>/evaluaties/", evaluatie_views.evaluaties, name="evaluaties"),
    path("driehoek/<int:pk>/evaluaties/nieuw/", evaluatie_views.evaluatie_nieuw, name="evaluatie_nieuw"),
    path("evaluatie/<int:pk>/", evaluatie_views.evaluatie_detail, name="evaluatie"),
    path("evaluatie/<int:pk>/evaluatie.pdf", evaluatie_views.evaluatie_pdf, name="evaluatie_pdf"),
    path("evaluatie/<int:pk>/actiepunt/", evaluatie_views.evaluatie_actiepunt, name="evaluatie_actiepunt"),
    path("evaluatie/<int:pk>/herziening/", evaluatie_views.evaluatie_herziening, name="evaluatie_herziening"),
    path("punt/<int:pk>/", views.actiepunt_detail, name="actiepunt"),
    path("punt/<int:pk>/bewerken/", views.actiepunt_bewerken, name="actiepunt_bewerken"),
    path("punt/<int:pk>/voortgang/", cyclus_views.voortgang, name="voortgang"),
    path("punt/<int:pk>/status/<slug:action>/", views.actiepunt_status, name="actiepunt_status"),
]
