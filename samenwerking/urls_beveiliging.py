from django.urls import path

from . import views_beveiliging as views

app_name = "beveiliging"

urlpatterns = [
    path("logboek/", views.auditlog, name="auditlog"),
    path("logboek/export.csv", views.auditlog_export, name="auditlog_export"),
    path("toegang/", views.toegangsoverzicht, name="toegangsoverzicht"),
    path("toegang/export.csv", views.toegangsoverzicht_export, name="toegangsoverzicht_export"),
]
