from django.db import connection
from django.http import HttpResponse
from django.urls import path

from copgirls.urls import urlpatterns as portal_urlpatterns

#: The table of the durable-write floor, created and dropped by the benchmark (bench.run).
FLOOR_TABLE = "bench_durable_write"


def trivial(request):
    """The limit of the stack: Django's request cycle with no database and no template."""
    return HttpResponse(b"ok", content_type="text/plain")


def durable_write(request):
    """The floor of any submission: the POST's form read (CSRF-checked, as every form of
    the portal) and stored as one row in one committed transaction; nothing else."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {FLOOR_TABLE} (body) VALUES (%s)",  # noqa: S608 -- a constant
            [request.POST.urlencode()],
        )
    response = HttpResponse(status=303)
    response["Location"] = request.path
    return response


urlpatterns = [
    path("bench/trivial", trivial, name="bench_trivial"),
    path("bench/durable-write", durable_write, name="bench_durable_write"),
    *portal_urlpatterns,
]
