from django.urls import path

from . import views

app_name = "reviews"

urlpatterns = [
    path("<str:token>/", views.review, name="review"),
]
