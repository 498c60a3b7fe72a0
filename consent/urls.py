from django.urls import path

from . import views

app_name = "consent"

urlpatterns = [
    path("", views.settings_page, name="settings"),
    path("val/", views.banner_choice, name="choice"),
    path("kvitto/", views.receipt, name="receipt"),
]
