"""Organisations: created and changed by the secretariat, looked up by the command line."""

from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from drugcontrol.core.audit import record_event, snapshot
from drugcontrol.core.countries import country_or_error
from drugcontrol.core.errors import (
    ValidationFailed,
)
from drugcontrol.core.models import (
    Country,
    Organisation,
    OrganisationKind,
)
from drugcontrol.core.permissions import require
from drugcontrol.core.versioning import versioned_change

ORGANISATION_FIELDS = ["name", "kind", "country", "require_second_factor", "is_active"]

# --- organisations ------------------------------------------------------------------------


def _require_international_admin(actor) -> None:
    require(actor, "core.organisation_manage")


def _organisation_country(kind: str, country_code: str | None) -> Country | None:
    if kind not in OrganisationKind.values:
        raise ValidationFailed({"kind": [_("Unknown organisation kind.")]})
    if kind == OrganisationKind.INTERNATIONAL:
        if country_code:
            raise ValidationFailed(
                {"country": [_("An international organisation has no country.")]}
            )
        return None
    if not country_code:
        raise ValidationFailed({"country": [_("A national organisation needs a country.")]})
    return country_or_error(country_code)


def organisation_create(
    *, actor, name: str, kind: str, country_code: str | None, require_second_factor=False
) -> Organisation:
    _require_international_admin(actor)
    return _organisation_create(
        actor=actor,
        name=name,
        kind=kind,
        country_code=country_code,
        require_second_factor=require_second_factor,
    )


def _organisation_create(*, actor, name, kind, country_code, require_second_factor=False):
    name = _organisation_name(name)
    country = _organisation_country(kind, country_code)
    _organisation_name_free(name, country)
    with transaction.atomic():
        organisation = Organisation.objects.create(
            name=name, kind=kind, country=country, require_second_factor=require_second_factor
        )
        record_event(
            actor=actor,
            action="organisation.created",
            obj=organisation,
            after=snapshot(organisation, ORGANISATION_FIELDS),
            owner_organisation=organisation,
        )
    return organisation


def _organisation_name(name) -> str:
    name = (name or "").strip()
    if not name:
        raise ValidationFailed({"name": [_("A name is required.")]})
    limit = Organisation._meta.get_field("name").max_length
    if len(name) > limit:
        raise ValidationFailed({"name": [_("At most %(limit)s characters.") % {"limit": limit}]})
    return name


def _organisation_name_free(name: str, country, *, other_than=None) -> None:
    same = Organisation.objects.filter(country=country, name__iexact=name)
    if other_than is not None:
        same = same.exclude(pk=other_than.pk)
    if same.exists():
        raise ValidationFailed({"name": [_("An organisation with this name already exists.")]})


def organisation_update(
    *, actor, organisation: Organisation, expected_version: int | None = None, **changes
) -> Organisation:
    """Change name, second-factor requirement or active flag.

    International admins may change any organisation; an organisation's own admins may
    require a second factor for their organisation.
    """
    allowed = {"name", "require_second_factor", "is_active"}
    unknown = set(changes) - allowed
    if unknown:
        raise ValidationFailed({field: [_("This field cannot be changed.")] for field in unknown})
    if set(changes) <= {"require_second_factor"}:
        require(actor, "core.organisation_security", organisation)
    else:
        require(actor, "core.organisation_manage")
    if "name" in changes:
        changes["name"] = _organisation_name(changes["name"])
    with versioned_change(
        organisation,
        expected_version=expected_version,
        actor=actor,
        action="organisation.updated",
        fields=ORGANISATION_FIELDS,
        owner_organisation=organisation,
    ) as change:
        current = change.record
        if "name" in changes:
            _organisation_name_free(changes["name"], current.country, other_than=current)
        for field, value in changes.items():
            setattr(current, field, value)
    return change.record


# --- command-line helpers -------------------------------------------------------------------


def organisation_for(*, kind: str, country_code: str | None, name: str | None = None):
    """Find the organisation of this kind in this country, creating it when missing."""
    country = _organisation_country(kind, country_code)
    queryset = Organisation.objects.filter(kind=kind, country=country)
    if name:
        queryset = queryset.filter(name__iexact=name.strip())
    organisation = queryset.order_by("pk").first()
    if organisation is not None:
        return organisation
    if not name:
        with translation.override("en"):
            kind_label = str(OrganisationKind(kind).label)
        name = f"{kind_label} ({country.iso3})" if country else kind_label
    return _organisation_create(actor=None, name=name, kind=kind, country_code=country_code)
