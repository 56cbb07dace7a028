from django.urls import path

from . import views, views_documenten
from .views import adviesondertekening, publicatie
from .views.kennisbank import afspraak_aanbieden

app_name = "arrangementen"

urlpatterns = [
    path("", views.arrangement_list, name="lijst"),
    path("nieuw/", views.arrangement_create, name="nieuw"),
    path("te-beoordelen/", views.review_queue, name="te_beoordelen"),
    path("<int:pk>/", views.arrangement_detail, name="detail"),
    path("<int:pk>/bewerken/", views.arrangement_edit, name="bewerken"),
    path("<int:pk>/afspraken/nieuw/", views.afspraak_form, name="afspraak_nieuw"),
    path("<int:pk>/afspraken/<int:afspraak_pk>/bewerken/", views.afspraak_form, name="afspraak_bewerken"),
    path("<int:pk>/afspraken/<int:afspraak_pk>/verwijderen/", views.afspraak_delete, name="afspraak_verwijderen"),
    path("<int:pk>/afspraken/<int:afspraak_pk>/verplaatsen/", views.afspraak_move, name="afspraak_verplaatsen"),
    path("<int:pk>/afspraken/<int:afspraak_pk>/aanbieden/", afspraak_aanbieden, name="afspraak_aanbieden"),
    path("<int:pk>/afspraken/<int:afspraak_pk>/terugzetten/", views.afspraak_restore, name="afspraak_terugzetten"),
    path("<int:pk>/gegevensstromen/nieuw/", views.stroom_form, name="stroom_nieuw"),
    path("<int:pk>/gegevensstromen/<int:stroom_pk>/bewerken/", views.stroom_form, name="stroom_bewerken"),
    path("<int:pk>/gegevensstromen/<int:stroom_pk>/verwijderen/", views.stroom_delete, name="stroom_verwijderen"),
    path("<int:pk>/geweldsmiddelen/nieuw/", views.toekenning_form, name="toekenning_nieuw"),
    path("<int:pk>/geweldsmiddelen/<int:toekenning_pk>/bewerken/", views.toekenning_form, name="toekenning_bewerken"),
    path("<int:pk>/geweldsmiddelen/<int:toekenning_pk>/verwijderen/", views.toekenning_delete,
         name="toekenning_verwijderen"),
    path("<int:pk>/partijen/nieuw/", views.partij_add, name="partij_nieuw"),
    path("<int:pk>/partijen/<int:partij_pk>/verwijderen/", views.partij_remove, name="partij_verwijderen"),
    path("<int:pk>/status/<slug:action>/", views.transition, name="overgang"),
    path("<int:pk>/opmerkingen/", views.opmerking_add, name="opmerking_nieuw"),
    path("<int:pk>/opmerkingen/<int:opmerking_pk>/oplossen/", views.opmerking_resolve, name="opmerking_oplossen"),
    path("<int:pk>/herziening/", views.herziening, name="herziening"),
    path("<int:pk>/opzeggen/", views.opzeggen, name="opzeggen"),
    path("<int:pk>/geschiedenis/", views.arrangement_history, name="geschiedenis"),
    path("<int:pk>/vergelijk/", views.compare, name="vergelijk"),
    path("<int:pk>/document/concept/", views_documenten.document_concept, name="document_concept"),
    path("<int:pk>/document/maken/", views_documenten.document_request, name="document_maken"),
    path("<int:pk>/document/download/", views_documenten.document_download, name="document_download"),
    path("<int:pk>/document/ondertekenen/", views_documenten.document_sign, name="document_ondertekenen"),
    path("<int:pk>/document/herinneren/<int:partij_pk>/", views_documenten.document_remind,
         name="document_herinneren"),
    path("<int:pk>/publicatie/", publicatie.publicatie_page, name="publicatie"),
    path("<int:pk>/publicatie/cvdr/", publicatie.publicatie_cvdr, name="publicatie_cvdr"),
    path("<int:pk>/publicatie/pdf/", publicatie.publicatie_pdf, name="publicatie_pdf"),
    path("<int:pk>/publicatie/html/", publicatie.publicatie_html, name="publicatie_html"),
    path("<int:pk>/publicatie/tekst/", publicatie.publicatie_tekst, name="publicatie_tekst"),
    path("<int:pk>/geweldsadvies/nieuw/", publicatie.geweldsadvies_nieuw, name="geweldsadvies_nieuw"),
    path("<int:pk>/geweldsadvies/<int:advies_pk>/download/", publicatie.geweldsadvies_download,
         name="geweldsadvies_download"),
    path("<int:pk>/geweldsadvies/<int:advies_pk>/ondertekenen/", adviesondertekening.geweldsadvies_ondertekenen,
         name="geweldsadvies_ondertekenen"),
]
