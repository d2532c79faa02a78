"""Demo data of the entities app: what the demo financial intelligence unit holds on file
(invented names), so its account has work of its own from the first sign-in, and the
secretariat's warning list of values too common to correlate on. Idempotent: a party or a
value already on file is left alone."""

from drugcontrol.core.models import User
from drugcontrol.entities import services
from drugcontrol.entities.models import Party, WarningValue

# (kind, name, country): a money transfer business and its director, both invented.
FIU_PARTIES = [
    ("company", "Noordzee Geldtransfer B.V.", "NLD"),
    ("person", "Jan-Willem de Ruiter", "NLD"),
]
# (kind, value, reason): a consignee placeholder of bills of lading, and a telephone number
# of the range set aside for fiction.
WARNING_VALUES = [
    ("company", "To order", "Placeholder consignee on negotiable bills of lading."),
    ("phone", "+44 20 7946 0000", "A number set aside for fiction, seen on forged documents."),
]


def load(result) -> None:
    _fiu_parties(result)
    _warning_list(result)


def _warning_list(result) -> None:
    secretariat = User.objects.filter(username="intl_admin").first()
    if secretariat is None or WarningValue.objects.exists():
        return
    for kind, value, reason in WARNING_VALUES:
        services.warning_value_add(actor=secretariat, kind=kind, value=value, reason=reason)
        result.created += 1


def _fiu_parties(result) -> None:
    analyst = User.objects.select_related("organisation").filter(username="nld_fiu").first()
    if analyst is None:
        return
    for kind, name, country in FIU_PARTIES:
        if Party.objects.filter(name=name, owner_organisation=analyst.organisation).exists():
            continue
        services.party_create(
            actor=analyst,
            data=services.validate_party(kind=kind, name=name, country_code=country),
        )
        result.created += 1
