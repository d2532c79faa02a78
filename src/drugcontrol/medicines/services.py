"""Every write on controlled medicines: estimates (and assessments) submitted by a country's
competent authority and confirmed by the secretariat, supplementary estimates, import
authorizations, export authorizations checked against the importing country's balance, and
the endorsement of a shipment received. Keyword-only, one transaction, one audit event."""

import datetime
import decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy

from drugcontrol.core.alerts import alerts_raise
from drugcontrol.core.audit import record_event
from drugcontrol.core.bounds import plain_number, read_decimal, read_int, read_text
from drugcontrol.core.countries import country_by_code
from drugcontrol.core.errors import Conflict, ValidationFailed
from drugcontrol.core.messages import gettext as _
from drugcontrol.core.permissions import require
from drugcontrol.core.versioning import versioned_change
from drugcontrol.entities import services as entity_services
from drugcontrol.entities.models import Audience, PartyKind
from drugcontrol.medicines import alerts, conversion, selectors
from drugcontrol.medicines.models import (
    AuthorizationStatus,
    Estimate,
    EstimateStatus,
    ExportAuthorization,
    ImportAuthorization,
    PharmaceuticalForm,
    SupplementaryEstimate,
    System,
    Unit,
)
from drugcontrol.substances.models import Listing, Substance

FIRST_YEAR = 1990
YEARS_AHEAD = 2  # estimates are made for the coming year, sometimes the one after
LONGEST_VALIDITY = datetime.timedelta(days=366)
ARTICLE = {  # the rule an export beyond the balance breaks, named in the refusal
    System.ESTIMATES: gettext_lazy(
        "article 31, paragraph 1 (b), of the Single Convention on Narcotic Drugs, 1961: "
        "exports within the limits of the importing country's estimates"
    ),
    System.ASSESSMENTS: gettext_lazy(
        "Economic and Social Council resolutions 1981/7 and 1991/44: exports within the "
        "importing country's assessments of its annual medical and scientific requirements"
    ),
}
IMPORT_RECORD = "medicines.importauthorization"
EXPORT_RECORD = "medicines.exportauthorization"


def _system_of(substance: Substance) -> str | None:
    """1961 for a narcotic drug, 1971 for a psychotropic substance (None for neither)."""
    instruments = set(
        Listing.objects.filter(substance=substance, country__isnull=True).values_list(
            "instrument", flat=True
        )
    )
    if "1961" in instruments:
        return System.ESTIMATES
    if "1971" in instruments:
        return System.ASSESSMENTS
    return None


def _substance(value, problems: dict, name: str = "substance") -> Substance | None:
    if isinstance(value, Substance):
        found = value
    elif isinstance(value, int) and not isinstance(value, bool):
        found = Substance.objects.filter(pk=value).first()
    elif isinstance(value, str) and 0 < len(value.strip()) <= 300:
        found = Substance.objects.filter(name_en__iexact=value.strip()).first()
    else:
        found = None
    if found is None:
        problems[name] = [_("Unknown substance.")]
        return None
    if _system_of(found) is None:
        problems[name] = [
            _("%(name)s is neither a narcotic drug (1961) nor a psychotropic substance (1971).")
            % {"name": found.name_en}
        ]
        return None
    return found


def _country(value, problems: dict, name: str):
    found = country_by_code(value) if isinstance(value, str) and len(value) <= 3 else None
    if found is None:
        problems[name] = [_("Unknown country code.")]
    return found


def _kg(value, name: str, problems: dict, *, positive=False):
    return read_decimal(
        value, name, problems, field=Estimate._meta.get_field("consumption_kg"), positive=positive
    )


def _year(value, problems: dict):
    this_year = timezone.localdate().year
    return read_int(value, "year", problems, minimum=FIRST_YEAR, maximum=this_year + YEARS_AHEAD)


# --- estimates --------------------------------------------------------------------------------


def estimate_submit(
    *,
    actor,
    country,
    year,
    substance,
    consumption_kg,
    manufacture_kg=0,
    stock_kg=0,
    expected_version=None,
) -> Estimate:
    """A country's estimate (or assessment) of one substance for a year, new or changed
    while not yet confirmed (a confirmed one grows by supplementary estimates)."""
    problems: dict = {}
    found_country = _country(country, problems, "country")
    stub = Estimate(country=found_country) if found_country else None
    require(actor, "medicines.estimate_submit", stub)
    found_year = _year(year, problems)
    found_substance = _substance(substance, problems)
    quantities = {
        "consumption_kg": _kg(consumption_kg, "consumption_kg", problems),
        "manufacture_kg": _kg(manufacture_kg, "manufacture_kg", problems) or decimal.Decimal(0),
        "stock_kg": _kg(stock_kg, "stock_kg", problems) or decimal.Decimal(0),
    }
    if quantities["consumption_kg"] is None and "consumption_kg" not in problems:
        problems["consumption_kg"] = [_("This field is required.")]
    if problems:
        raise ValidationFailed(problems)
    system = _system_of(found_substance)
    existing = Estimate.objects.filter(
        country=found_country, year=found_year, substance=found_substance
    ).first()
    if existing is None:
        with transaction.atomic():
            estimate = Estimate.objects.create(
                country=found_country,
                year=found_year,
                substance=found_substance,
                system=system,
                submitted_by=actor,
                **quantities,
            )
            record_event(
                actor=actor,
                action="medicines.estimate_submitted",
                obj=estimate,
                after={k: str(v) for k, v in quantities.items()},
            )
        return estimate
    if existing.status == EstimateStatus.CONFIRMED:
        raise ValidationFailed(
            {"status": [_("The estimate is confirmed: add a supplementary estimate instead.")]}
        )
    with versioned_change(
        existing,
        expected_version=expected_version,
        actor=actor,
        action="medicines.estimate_submitted",
        fields=tuple(quantities),
    ) as change:
        for name, value in quantities.items():
            setattr(change.record, name, value)
        change.record.submitted_by = actor
        change.record.submitted_at = timezone.now()
    return change.record


def estimate_confirm(*, actor, estimate: Estimate, expected_version=None) -> Estimate:
    require(actor, "medicines.estimate_confirm", estimate)
    with versioned_change(
        estimate,
        expected_version=expected_version,
        actor=actor,
        action="medicines.estimate_confirmed",
        fields=("status",),
    ) as change:
        if change.record.status == EstimateStatus.CONFIRMED:
            raise ValidationFailed({"status": [_("The estimate is already confirmed.")]})
        change.record.status = EstimateStatus.CONFIRMED
        change.record.confirmed_at = timezone.now()
    return change.record


def supplement_submit(*, actor, estimate: Estimate, added_kg, reason) -> SupplementaryEstimate:
    """More of a confirmed estimate, for a reason (an epidemic, a new hospital, ...)."""
    require(actor, "medicines.estimate_submit", estimate)
    problems: dict = {}
    quantity = _kg(added_kg, "added_kg", problems, positive=True)
    if quantity is None and "added_kg" not in problems:
        problems["added_kg"] = [_("This field is required.")]
    text = read_text({"reason": reason}, "reason", problems, max_length=2000, required=True)
    if estimate.status != EstimateStatus.CONFIRMED:
        problems["status"] = [_("Change the estimate itself until it is confirmed.")]
    if problems:
        raise ValidationFailed(problems)
    with transaction.atomic():
        supplement = SupplementaryEstimate.objects.create(
            estimate=estimate, added_kg=quantity, reason=text, submitted_by=actor
        )
        record_event(
            actor=actor,
            action="medicines.supplement_submitted",
            obj=supplement,
            after={"estimate": estimate.pk, "added_kg": str(quantity), "reason": text},
        )
    return supplement


def supplement_confirm(
    *, actor, supplement: SupplementaryEstimate, expected_version=None
) -> SupplementaryEstimate:
    require(actor, "medicines.estimate_confirm", supplement.estimate)
    with versioned_change(
        supplement,
        expected_version=expected_version,
        actor=actor,
        action="medicines.supplement_confirmed",
        fields=("status",),
    ) as change:
        if change.record.status == EstimateStatus.CONFIRMED:
            raise ValidationFailed({"status": [_("The supplement is already confirmed.")]})
        change.record.status = EstimateStatus.CONFIRMED
        change.record.confirmed_at = timezone.now()
    return change.record


# --- authorizations ---------------------------------------------------------------------------


def _number(value, problems: dict, name: str = "number") -> str:
    text = read_text({name: value}, name, problems, max_length=40, required=True)
    return text.upper()


def _day(value, problems: dict, name: str) -> datetime.date | None:
    if isinstance(value, datetime.date) and not isinstance(value, datetime.datetime):
        return value
    if isinstance(value, str):
        try:
            return datetime.date.fromisoformat(value.strip())
        except ValueError:
            pass
    problems[name] = [_("Give the date as YYYY-MM-DD.")]
    return None


def _party(actor, name, country, problems: dict, field: str):
    text = read_text({field: name}, field, problems, max_length=300, required=True)
    if field in problems or country is None:
        return None
    return entity_services.validate_party(
        kind=PartyKind.COMPANY, name=text, country_code=country.iso3
    )


def import_authorization_issue(
    *,
    actor,
    number,
    importing_country,
    exporting_country,
    substance,
    quantity,
    unit,
    pharmaceutical_form=PharmaceuticalForm.SUBSTANCE,
    preparation="",
    importer,
    exporter,
    valid_until,
    emergency=False,
) -> ImportAuthorization:
    """The importing authority's authorization: the quantity as given (of a salt or
    preparation) and as anhydrous base. A number is used once per importing country."""
    problems: dict = {}
    importing = _country(importing_country, problems, "importing_country")
    require(
        actor,
        "medicines.import_authorize",
        ImportAuthorization(importing_country=importing) if importing else None,
    )
    exporting = _country(exporting_country, problems, "exporting_country")
    if importing and exporting and importing.pk == exporting.pk:
        problems["exporting_country"] = [_("The exporting country is another country.")]
    code = _number(number, problems)
    found = _substance(substance, problems)
    amount = read_decimal(
        quantity,
        "quantity",
        problems,
        field=ImportAuthorization._meta.get_field("quantity"),
        positive=True,
    )
    if amount is None and "quantity" not in problems:
        problems["quantity"] = [_("This field is required.")]
    if unit not in Unit.values:
        problems["unit"] = [_("Choose a unit: mg, g or kg.")]
    if pharmaceutical_form not in PharmaceuticalForm.values:
        problems["pharmaceutical_form"] = [_("Choose a pharmaceutical form.")]
    preparation = read_text({"preparation": preparation}, "preparation", problems, max_length=100)
    factor = None
    if found is not None and "preparation" not in problems:
        factor = conversion.factor_of(found.name_en, preparation)
        if factor is None:
            problems["preparation"] = [
                _("No base content on file for %(preparation)s of %(substance)s.")
                % {"preparation": preparation, "substance": found.name_en}
            ]
    until = _day(valid_until, problems, "valid_until")
    today = timezone.localdate()
    if until is not None and not today <= until <= today + LONGEST_VALIDITY:
        problems["valid_until"] = [_("From today to a year ahead.")]
    importer_data = _party(actor, importer, importing, problems, "importer")
    exporter_data = _party(actor, exporter, exporting, problems, "exporter")
    if (
        importing is not None
        and "number" not in problems
        and ImportAuthorization.objects.filter(importing_country=importing, number=code).exists()
    ):
        problems["number"] = [_("This number is already used by another import authorization.")]
    if problems:
        raise ValidationFailed(problems)
    with transaction.atomic():
        importer_party = entity_services.party_register(actor=actor, data=importer_data)
        exporter_party = entity_services.party_register(actor=actor, data=exporter_data)
        authorization = ImportAuthorization.objects.create(
            number=code,
            importing_country=importing,
            exporting_country=exporting,
            substance=found,
            preparation=preparation,
            pharmaceutical_form=pharmaceutical_form,
            quantity=amount,
            unit=unit,
            base_kg=conversion.base_kg(amount, unit, factor),
            importer=importer_party,
            exporter=exporter_party,
            valid_until=until,
            emergency=bool(emergency),
            issued_by=actor,
        )
        for party, role in ((importer_party, "importer"), (exporter_party, "exporter")):
            entity_services.party_link(
                party=party,
                record_type=IMPORT_RECORD,
                record_id=authorization.pk,
                organisation=actor.organisation,
                audience=Audience.COUNTRIES_INVOLVED,
                countries=[importing.iso3, exporting.iso3],
                role=role,
                reported_name=party.name,
            )
        record_event(
            actor=actor,
            action="medicines.import_authorized",
            obj=authorization,
            after={
                "number": code,
                "substance": found.name_en,
                "base_kg": str(authorization.base_kg),
                "exporting_country": exporting.iso3,
                "emergency": authorization.emergency,
            },
        )
        _alert(
            authorization,
            "import_authorized",
            countries=[exporting.iso3],
            country=importing.iso3,
            kg=plain_number(authorization.base_kg),
        )
    return authorization


def _alert(authorization: ImportAuthorization, event: str, *, countries, **params) -> None:
    """Tell whom the route names of an event on an import authorization (its page is the
    link; both countries' authorities and the secretariat read it)."""
    from django.urls import reverse

    alerts_raise(
        record_kind=alerts.IMPORT_AUTHORIZATION,
        event=event,
        country_codes=countries,
        message_key=f"medicines.{event}",
        params={
            "number": authorization.number,
            "substance": authorization.substance.name_en,
            **{
                name: value if isinstance(value, int) else str(value)
                for name, value in params.items()
            },
        },
        record_id=authorization.pk,
        url=reverse("medicines:authorization", args=[authorization.pk]),
    )


def export_authorization_issue(
    *,
    actor,
    number,
    import_authorization: ImportAuthorization,
    quantity_kg=None,
    valid_until=None,
    emergency=None,
) -> ExportAuthorization:
    """The exporting authority's authorization against an import authorization, refused
    when the import authorization is expired, used or cancelled, when the quantity exceeds
    it, or (unless an emergency delivery) when it would take the importing country beyond
    what remains of its estimate or assessment for the year, naming the rule."""
    require(actor, "medicines.export_authorize", import_authorization)
    problems: dict = {}
    code = _number(number, problems)
    quantity = (
        import_authorization.base_kg
        if quantity_kg in (None, "")
        else read_decimal(
            quantity_kg,
            "quantity_kg",
            problems,
            field=ExportAuthorization._meta.get_field("base_kg"),
            positive=True,
        )
    )
    today = timezone.localdate()
    until = (
        import_authorization.valid_until
        if valid_until in (None, "")
        else _day(valid_until, problems, "valid_until")
    )
    urgent = import_authorization.emergency if emergency is None else bool(emergency)
    if problems:
        raise ValidationFailed(problems)
    with transaction.atomic():
        current = ImportAuthorization.objects.select_for_update().get(pk=import_authorization.pk)
        if current.status != AuthorizationStatus.ISSUED:
            problems["import_authorization"] = [
                _("The import authorization was already used or cancelled.")
            ]
        elif current.valid_until < today:
            problems["import_authorization"] = [
                _("The import authorization expired on %(day)s.")
                % {"day": current.valid_until.isoformat()}
            ]
        if quantity is not None and quantity > current.base_kg:
            problems["quantity_kg"] = [
                _("More than the import authorization allows (%(kg)s kg of base).")
                % {"kg": plain_number(current.base_kg)}
            ]
        if until is not None and not today <= until <= current.valid_until:
            problems["valid_until"] = [_("From today to the import authorization's last day.")]
        if ExportAuthorization.objects.filter(
            exporting_country_id=current.exporting_country_id, number=code
        ).exists():
            problems["number"] = [_("This number is already used by another export authorization.")]
        if problems:
            raise ValidationFailed(problems)
        year = selectors.charge_year()
        system = _system_of(current.substance)
        # Serialise the balance checks of one importing country, drug and year: two
        # exporters deciding at once must not both spend the same remainder.
        estimate = (
            Estimate.objects.select_for_update()
            .filter(
                country_id=current.importing_country_id,
                substance_id=current.substance_id,
                year=year,
            )
            .first()
        )
        balance = selectors.balance_of(current.importing_country_id, current.substance_id, year)
        if not urgent and quantity > balance.remaining_kg:
            raise ValidationFailed(
                {
                    "quantity_kg": [
                        _(
                            "Refused under %(rule)s: %(kg)s kg of base would exceed what "
                            "remains for %(country)s in %(year)s (%(remaining)s kg of "
                            "%(estimate)s kg)."
                        )
                        % {
                            "rule": str(ARTICLE[system]),
                            "kg": plain_number(quantity),
                            "country": current.importing_country_id,
                            "year": year,
                            "remaining": plain_number(max(balance.remaining_kg, 0)),
                            "estimate": plain_number(balance.estimate_kg),
                        }
                    ]
                },
                message=_("Refused: beyond the importing country's estimate."),
            )
        authorization = ExportAuthorization.objects.create(
            number=code,
            import_authorization=current,
            exporting_country_id=current.exporting_country_id,
            importing_country_id=current.importing_country_id,
            substance_id=current.substance_id,
            year=year,
            base_kg=quantity,
            valid_until=until,
            emergency=urgent,
            issued_by=actor,
        )
        current.status = AuthorizationStatus.USED
        current.save(update_fields=["status", "updated_at"])
        record_event(
            actor=actor,
            action="medicines.export_authorized",
            obj=authorization,
            after={
                "number": code,
                "import_authorization": current.number,
                "base_kg": str(quantity),
                "remaining_before_kg": str(balance.remaining_kg),
                "estimate_in_force": estimate is not None,
                "emergency": urgent,
            },
        )
        _alert(
            current,
            "export_authorized",
            countries=[current.importing_country_id],
            country=current.exporting_country_id,
            kg=plain_number(quantity),
        )
        if urgent:
            _alert(
                current,
                "emergency_delivery",
                countries=[current.importing_country_id],
                country=current.importing_country_id,
                kg=plain_number(quantity),
                remaining=plain_number(balance.remaining_kg),
                year=year,
            )
    return authorization


def shipment_endorse(
    *, actor, export_authorization: ExportAuthorization, received_kg, expected_version=None
) -> ExportAuthorization:
    """The importing authority records what arrived (kg of base): from then on the balance
    counts what was received."""
    require(actor, "medicines.import_authorize", export_authorization)
    problems: dict = {}
    received = read_decimal(
        received_kg,
        "received_kg",
        problems,
        field=ExportAuthorization._meta.get_field("received_kg"),
    )
    if received is None and "received_kg" not in problems:
        problems["received_kg"] = [_("This field is required.")]
    if received is not None and received > export_authorization.base_kg:
        problems["received_kg"] = [_("More than the export authorization allows.")]
    if problems:
        raise ValidationFailed(problems)
    with versioned_change(
        export_authorization,
        expected_version=expected_version,
        actor=actor,
        action="medicines.shipment_endorsed",
        fields=("status", "received_kg"),
    ) as change:
        if change.record.status != AuthorizationStatus.ISSUED:
            raise Conflict(_("The shipment was already endorsed or the authorization cancelled."))
        change.record.received_kg = received
        change.record.endorsed_on = timezone.localdate()
        change.record.status = AuthorizationStatus.ENDORSED
    return change.record
