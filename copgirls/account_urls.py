from django.urls import include, path

from copgirls import account_views as views
from copgirls import helpline_urls

app_name = "copgirls"

urlpatterns = [
    path("dashboard/", views.dashboard, name="dashboard"),
    path("people/", views.people, name="people"),
    path("people/appoint/", views.appoint, name="appoint"),
    path("people/roles/<int:pk>/revoke/", views.role_revoke_view, name="role_revoke"),
    path(
        "people/accounts/<int:pk>/deactivate/",
        views.user_deactivate_view,
        name="user_deactivate",
    ),
    path(
        "invitations/celebration/<int:event_pk>/",
        views.facilitator_invite,
        name="facilitator_invite",
    ),
    path("invitations/<int:pk>/withdraw/", views.invitation_cancel_view, name="invitation_cancel"),
    path("join/<secret:token>/", views.invitation, name="invitation"),
    path("audit/", views.audit_log, name="audit_log"),
    path("helplines/", include(helpline_urls.urlpatterns)),
]
