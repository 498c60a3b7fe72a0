from django.urls import path

from . import views

app_name = "pages"

# Included last at the root: a site page's address is whatever no other app uses
# (pages.models.Page.clean refuses the others).
urlpatterns = [
    path("tillganglighet/", views.accessibility_statement, name="accessibility"),
    path("tillganglighet/rapportera/", views.report_problem, name="report"),
    path("<slug:slug>/", views.page, name="page"),
]
