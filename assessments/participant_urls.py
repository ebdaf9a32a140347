"""The participant's pages under /a/ (no account): namespace ``participate``."""

from django.urls import path

from assessments.views import participant

app_name = "participate"

urlpatterns = [
    path("", participant.enter, name="enter"),
    path("sw.js", participant.service_worker, name="service_worker"),
    path("<secret:code>/", participant.respond, name="respond"),
    path("<secret:code>/thanks/", participant.thanks, name="thanks"),
]
