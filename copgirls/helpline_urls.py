"""The child helplines' pages, under /helplines/ in the core's ``copgirls`` namespace."""

from django.urls import path

from copgirls import helpline_views as views

urlpatterns = [
    path("", views.helpline_list, name="helplines"),
    path("default/", views.helpline_default_edit, name="helpline_default"),
    path("<str:iso2>/", views.helpline_edit, name="helpline_edit"),
]
