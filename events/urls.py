from django.urls import path, re_path

from events import views

app_name = "events"

urlpatterns = [
    # Public pages
    path("", views.public_list, name="public_list"),
    path("map/", views.world_map, name="map"),
    path("countries/<str:iso2>/", views.public_member_state, name="public_member_state"),
    # Celebrations (staff)
    path("manage/", views.event_list, name="list"),
    re_path(r"^manage/export\.(?P<fmt>csv|xlsx)$", views.event_export, name="export"),
    path("manage/new/", views.event_create, name="create"),
    path("manage/import/", views.event_import, name="import"),
    re_path(
        r"^manage/import/template\.(?P<fmt>csv|xlsx)$",
        views.import_template,
        name="import_template",
    ),
    path("manage/<int:pk>/", views.event_detail, name="detail"),
    path("manage/<int:pk>/edit/", views.event_edit, name="edit"),
    path("manage/<int:pk>/publish/", views.event_publish, name="publish"),
    path("manage/<int:pk>/complete/", views.event_complete, name="complete"),
    # COP sessions
    path("manage/<int:pk>/sessions/new/", views.session_create, name="session_create"),
    path("manage/sessions/<int:pk>/edit/", views.session_edit, name="session_edit"),
    # The COP module catalogue
    path("modules/", views.module_list, name="modules"),
    path("modules/new/", views.module_create, name="module_create"),
    path("modules/<int:pk>/edit/", views.module_edit, name="module_edit"),
    path("modules/<int:pk>/retire/", views.module_retire, name="module_retire"),
    path("modules/<int:pk>/delete/", views.module_delete, name="module_delete"),
    # Dashboards
    path("dashboard/", views.dashboard, name="dashboard"),
    path("dashboard/world/", views.world_dashboard, name="world_dashboard"),
    path("dashboard/regions/<str:code>/", views.region_dashboard, name="region_dashboard"),
    path("dashboard/states/<str:iso2>/", views.state_dashboard, name="state_dashboard"),
]
