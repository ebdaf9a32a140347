from django.contrib import admin
from django.urls import include, path

from copgirls import views

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("allauth.urls")),
    path("", include("copgirls.account_urls")),
    path("celebrations/", include("events.urls")),
    path("policies/", include("policies.urls")),
    path("assessments/", include("assessments.urls")),
    path("a/", include("assessments.participant_urls")),
    path("reports/", include("reports.urls")),
    path("api/v1/", include("api.urls")),
    path("account/api-tokens/", include("api.token_urls")),
    path("admin/", admin.site.urls),
]

admin.site.site_header = "copgirls"
admin.site.site_title = "copgirls"
