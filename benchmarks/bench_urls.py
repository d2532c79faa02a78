"""The project's URLs plus one bare JSON view, the baseline the benchmarks compare against."""

from django.http import JsonResponse
from django.urls import path

from drugcontrol.urls import handler404
from drugcontrol.urls import urlpatterns as project_urlpatterns

__all__ = ["handler404", "urlpatterns"]


def bare(request):
    """No authentication, no database: the cost of the server and the middleware alone."""
    return JsonResponse({"status": "ok", "items": []})


urlpatterns = [path("bench/bare", bare, name="bench_bare"), *project_urlpatterns]
