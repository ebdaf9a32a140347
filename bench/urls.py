from django.http import HttpResponse
from django.urls import path

from copgirls.urls import urlpatterns as portal_urlpatterns


def trivial(request):
    """The limit of the stack: Django's request cycle with no database and no template."""
    return HttpResponse(b"ok", content_type="text/plain")


urlpatterns = [path("bench/trivial", trivial, name="bench_trivial"), *portal_urlpatterns]
