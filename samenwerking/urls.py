from django.urls import path

from . import views

app_name = "samenwerking"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("driehoeken/<int:pk>/", views.driehoek_detail, name="driehoek"),
    path("driehoeken/<int:pk>/geschiedenis/", views.driehoek_geschiedenis, name="driehoek_geschiedenis"),
    path("over/", views.over, name="over"),
]
