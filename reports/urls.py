from django.urls import path

from reports import views

app_name = "reports"

urlpatterns = [
    path("", views.report_list, name="list"),
    path("new/", views.report_request_view, name="request"),
    path("<int:pk>/", views.report_detail, name="detail"),
    path("<int:pk>/again/", views.report_request_again, name="again"),
    path("<int:pk>/progress/", views.report_progress, name="progress"),
    path("<int:pk>/pdf/", views.report_download, name="download"),
    path("<int:pk>/brief/", views.report_brief, name="brief"),
    path("<int:pk>/annex.csv", views.report_annex_csv, name="annex_csv"),
    path("<int:pk>/annex.xlsx", views.report_annex_xlsx, name="annex_xlsx"),
]
