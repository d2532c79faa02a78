"""The main navigation is a registry the apps fill in their AppConfig.ready(); core renders
it without knowing the apps. It renders what the hard-coded navigation rendered, for every
organisation kind and role."""

import pytest
from django.urls import reverse
from django.utils import translation

from drugcontrol.core.models import OrganisationKind, Role
from drugcontrol.core.navigation import nav_entries, nav_items
from drugcontrol.core.permissions import can


def navigation_before_the_registry(user):
    """The navigation as core hard-coded it before the apps registered their entries."""
    items = [
        ("home", "Home", reverse("core:home")),
        (
            "organisation",
            "My organisation",
            reverse("core:organisation_detail", args=[user.organisation_id]),
        ),
    ]
    if can(user, "incidents.incident_read"):
        items.append(("incidents", "Incidents", reverse("incidents:list")))
    if can(user, "precursors.notification_read"):
        items.append(("precursors", "Precursors", reverse("precursors:list")))
    elif can(user, "precursors.order_report"):
        items.append(("precursors", "Suspicious orders", reverse("precursors:orders")))
    if can(user, "precursors.annual_report_read"):  # Form D, added with its pages
        items.append(("annual_reports", "Form D", reverse("precursors:annual_reports")))
    if can(user, "nps.register_read"):  # added with the nps app
        items.append(("nps", "NPS", reverse("nps:register")))
    if can(user, "nps.signal_read"):  # added with the emergence signals
        items.append(("nps_dashboard", "Early warning", reverse("nps:dashboard")))
        items.append(("nps_signals", "Signals", reverse("nps:signals")))
    items.append(("substances", "Substances", reverse("substances:list")))
    if can(user, "nps.spectrum_read"):  # added with the spectral library
        items.append(("spectra", "Spectral library", reverse("nps:spectra_list")))
    if can(user, "entities.party_read"):
        items.append(("parties", "Parties", reverse("entities:list")))
    if can(user, "monitoring.data_read"):  # added with the monitoring app
        items.append(("monitoring", "Monitoring", reverse("monitoring:home")))
    if can(user, "medicines.estimates_read"):  # added with the medicines app
        items.append(("medicines", "Medicines", reverse("medicines:home")))
    if can(user, "review.report_read"):  # added with the review app
        items.append(("review", "Review", reverse("review:statement")))
    if user.is_international:
        items.append(("organisations", "Organisations", reverse("core:organisation_list")))
    if user.is_international or user.is_org_admin:
        items.append(("audit", "Audit log", reverse("core:audit_list")))
    items.append(("api", "API", reverse("api:openapi-view")))
    return items


@pytest.mark.parametrize("kind", [kind.value for kind in OrganisationKind])
def test_every_kind_and_role_sees_the_navigation_it_saw(make_user, kind):
    for role in Role:
        user = make_user(kind=kind, role=role.value)
        with translation.override("en"):
            rendered = [(key, str(label), url) for key, label, url in nav_items(user)]
        assert rendered == navigation_before_the_registry(user), (kind, role)


def test_every_app_registers_its_entries():
    url_names = {entry.url_name for entry in nav_entries()}
    assert {
        "incidents:list",
        "precursors:list",
        "precursors:orders",
        "precursors:annual_reports",
        "substances:list",
        "monitoring:home",
        "medicines:home",
    } <= url_names
    assert {"entities:list", "core:home", "core:audit_list", "api:openapi-view"} <= url_names
