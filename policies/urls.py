from django.urls import path, re_path

from policies import views
from policies.views import catalogue

app_name = "policies"

urlpatterns = [
    # Public pages
    path("", views.public_map, name="public_map"),
    path("countries/<str:iso2>/", views.public_state, name="public_state"),
    path("forums/", views.public_rdf, name="public_rdf"),
    # A member state's records (staff)
    path("manage/", views.overview, name="overview"),
    path("manage/states/<str:iso2>/", views.state_checklist, name="state"),
    path("manage/states/<str:iso2>/areas/<str:code>/", views.area_status_edit, name="area_status"),
    path("manage/states/<str:iso2>/submit/", views.assessment_submit, name="submit"),
    path("manage/states/<str:iso2>/review/", views.assessment_review, name="review"),
    path("manage/states/<str:iso2>/roadmap/", views.roadmap_edit, name="roadmap"),
    path(
        "manage/states/<str:iso2>/instruments/new/",
        views.instrument_create,
        name="instrument_create",
    ),
    path("manage/instruments/<int:pk>/edit/", views.instrument_edit, name="instrument_edit"),
    path("manage/instruments/<int:pk>/delete/", views.instrument_delete, name="instrument_delete"),
    # Region and world
    path("manage/regions/<str:code>/", views.region_matrix, name="region"),
    path("manage/world/", views.world_matrix, name="world"),
    # Cycles (secretariat)
    path("manage/cycles/", views.cycle_list, name="cycles"),
    path("manage/cycles/<str:code>/close/", views.cycle_close, name="cycle_close"),
    # The catalogues (secretariat)
    path("manage/catalogues/", catalogue.catalogues, name="catalogues"),
    path("manage/catalogues/areas/new/", catalogue.area_create, name="area_create"),
    path("manage/catalogues/areas/<str:code>/edit/", catalogue.area_edit, name="area_edit"),
    path(
        "manage/catalogues/initiatives/new/",
        catalogue.initiative_create,
        name="initiative_create",
    ),
    path(
        "manage/catalogues/initiatives/<str:code>/edit/",
        catalogue.initiative_edit,
        name="initiative_edit",
    ),
    path("manage/catalogues/partners/new/", catalogue.partner_create, name="partner_create"),
    path(
        "manage/catalogues/partners/<str:code>/edit/",
        catalogue.partner_edit,
        name="partner_edit",
    ),
    # A regional initiative: its member states and celebrations (its region's officers)
    path("manage/initiatives/<str:code>/", catalogue.initiative_detail, name="initiative"),
    path(
        "manage/initiatives/<str:code>/links/",
        catalogue.initiative_links_edit,
        name="initiative_links",
    ),
    # Import and export (secretariat)
    path("manage/import/", views.policy_import, name="import"),
    re_path(
        r"^manage/export/(?P<kind>instruments|statuses)\.(?P<fmt>csv|xlsx)$",
        views.policy_export,
        name="export",
    ),
    # RDF discussions
    path("manage/forums/", views.rdf_list, name="rdf_list"),
    path("manage/regions/<str:code>/forums/new/", views.rdf_create, name="rdf_create"),
    path("manage/forums/<int:pk>/edit/", views.rdf_edit, name="rdf_edit"),
    path("manage/forums/<int:pk>/validate/", views.rdf_validate, name="rdf_validate"),
]
