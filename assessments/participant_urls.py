"""The participant's pages under /a/ (no account): namespace ``participate``."""

from django.urls import path

from assessments.views import participant

app_name = "participate"

urlpatterns = [
    path("", participant.enter, name="enter"),
    path("<str:code>/", participant.respond, name="respond"),
    path("<str:code>/thanks/", participant.thanks, name="thanks"),
]
