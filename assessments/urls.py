"""Staff pages of the assessments app, under /assessments/ (all reached by an object id)."""

from django.urls import path, register_converter

from assessments.views import questionnaires, sessions


class PhaseConverter:
    regex = "pre|post"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(PhaseConverter, "phase")

app_name = "assessments"

urlpatterns = [
    path("", sessions.session_list, name="sessions"),
    path("sessions/<int:session_id>/", sessions.session_detail, name="session"),
    path("sessions/<int:session_id>/live/", sessions.live, name="live"),
    path("sessions/<int:session_id>/<phase:phase>/open/", sessions.link_open_view, name="open"),
    path("sessions/<int:session_id>/<phase:phase>/close/", sessions.link_close_view, name="close"),
    path("sessions/<int:session_id>/<phase:phase>/wall/", sessions.wall, name="wall"),
    path("sessions/<int:session_id>/<phase:phase>/paper/", sessions.paper_grid, name="paper"),
    path(
        "sessions/<int:session_id>/<phase:phase>/paper-kit.pdf",
        sessions.paper_kit,
        name="paper_kit",
    ),
    path("sessions/<int:session_id>/<phase:phase>/upload/", sessions.paper_upload, name="upload"),
    path(
        "sessions/<int:session_id>/<phase:phase>/paper.csv",
        sessions.paper_template,
        name="paper_template",
    ),
    path(
        "sessions/<int:session_id>/held/<uuid:batch>/release/",
        sessions.held_release,
        name="held_release",
    ),
    path("sessions/<int:session_id>/held/<uuid:batch>/void/", sessions.held_void, name="held_void"),
    path("celebrations/<int:event_id>/erase/", sessions.erase_event_responses, name="erase"),
    path("questionnaires/", questionnaires.questionnaire_list, name="questionnaires"),
    path("questionnaires/<int:pk>/", questionnaires.questionnaire_detail, name="questionnaire"),
    path(
        "questionnaires/<int:pk>/preview/",
        questionnaires.questionnaire_preview,
        name="questionnaire_preview",
    ),
    path("questionnaires/<int:pk>/publish/", questionnaires.publish, name="publish"),
    path(
        "questionnaires/<int:pk>/missed-answers/",
        questionnaires.missed_answers,
        name="missed_answers",
    ),
    path("questionnaires/<int:pk>/items/add/", questionnaires.item_add_view, name="item_add"),
    path(
        "questionnaires/<int:pk>/items/<int:item_id>/edit/",
        questionnaires.item_edit,
        name="item_edit",
    ),
    path(
        "questionnaires/<int:pk>/items/<int:item_id>/translations/",
        questionnaires.item_translations,
        name="item_translations",
    ),
    path(
        "questionnaires/<int:pk>/items/<int:item_id>/move/",
        questionnaires.item_move_view,
        name="item_move",
    ),
    path(
        "questionnaires/<int:pk>/items/<int:item_id>/retire/",
        questionnaires.item_retire_view,
        name="item_retire",
    ),
]
