from django.urls import include, path, re_path, register_converter

from drugcontrol.api import api
from drugcontrol.core import views as core_views
from drugcontrol.core.converters import RecordIdConverter

register_converter(RecordIdConverter, "id")
handler400 = "drugcontrol.core.views.bad_request"
handler404 = "drugcontrol.core.views.not_found"

urlpatterns = [
    path("healthz", core_views.healthz, name="healthz"),
    path("robots.txt", core_views.robots),
    path("api/v1/", api.urls),
    re_path(r"^api/", core_views.not_found),  # the API's own 404 shape, in DEBUG too
    path("i18n/", include("django.conf.urls.i18n")),
    path("substances/", include("drugcontrol.substances.urls")),
    path("parties/", include("drugcontrol.entities.urls")),
    path("incidents/", include("drugcontrol.incidents.urls")),
    path("precursors/", include("drugcontrol.precursors.urls")),
    path("nps/", include("drugcontrol.nps.urls")),
    path("monitoring/", include("drugcontrol.monitoring.urls")),
    path("medicines/", include("drugcontrol.medicines.urls")),
    path("review/", include("drugcontrol.review.urls")),
    path("", include("drugcontrol.core.urls")),
]
