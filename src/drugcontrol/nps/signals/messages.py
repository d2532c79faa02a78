"""How a signal reads: its evidence is a message key with raw parameters (substance ids,
family codes, ISO3 codes, months, counts), rendered when read in the reader's language, and
narrowed to what the reader may know; the same messages are the alerts' (registered with
core.alerts in NpsConfig.ready()).

What a reader is shown (docs/nps.md, "Who sees signals"): the secretariat the whole
evidence; anyone else the register's shared kinds (new substance, spread: countries and
months) whole, and of the other kinds only what concerns their own country: a family's rise
without the world's counts but with their country's own, a new form without when and in
which forms other countries reported the substance before."""

from django.utils.formats import number_format
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from drugcontrol.core.alerts import AlertMessage, AlertRoute, as_choice, as_country
from drugcontrol.core.messages import fill
from drugcontrol.core.models import Country, OrganisationKind, Role
from drugcontrol.nps.report_choices import SampleForm
from drugcontrol.nps.signal_choices import SHARED_KINDS, SIGNAL_RECORD_TYPE, SignalKind
from drugcontrol.substances.presentation import family_label

RAISED = "signal_raised"  # to the secretariat
CONCERNS_COUNTRY = "signal_concerns_country"  # to the focal points of the countries concerned

ROUTES = [
    AlertRoute(
        SIGNAL_RECORD_TYPE,
        RAISED,
        (OrganisationKind.INTERNATIONAL,),
        (Role.OFFICER, Role.FOCAL_POINT),
    ),
    AlertRoute(
        SIGNAL_RECORD_TYPE,
        CONCERNS_COUNTRY,
        (
            OrganisationKind.COMPETENT_AUTHORITY,
            OrganisationKind.LAW_ENFORCEMENT,
            OrganisationKind.FORENSIC_LAB,
        ),
        (Role.FOCAL_POINT,),
    ),
]


# --- how each parameter is shown ---------------------------------------------------------------


def as_substance(value, lookups) -> str:
    """A registry substance's id, shown as its name in the reader's language."""
    from drugcontrol.substances.models import Substance

    substance = Substance.objects.filter(pk=value).only("name_en", "name_zh").first()
    if substance is None:
        return str(value)
    if (get_language() or "").startswith("zh") and substance.name_zh:
        return substance.name_zh
    return substance.name_en


def as_family(value, lookups) -> str:
    return family_label(value) if value else "—"


def as_countries(value, lookups) -> str:
    """ISO3 codes; pairs [code, month]; or {code: count}: names in the reader's language."""
    if isinstance(value, dict):
        return ", ".join(f"{as_country(code, lookups)} ({n})" for code, n in value.items())
    shown = []
    for item in value or []:
        if isinstance(item, list | tuple) and len(item) == 2:
            shown.append(f"{as_country(item[0], lookups)} ({item[1]})")
        else:
            shown.append(as_country(item, lookups))
    return ", ".join(shown) or "—"


def as_forms(value, lookups) -> str:
    show = as_choice(SampleForm)
    return ", ".join(show(form, lookups) for form in value or []) or "—"


def as_previous(value, lookups) -> str:
    return value or str(_("never"))


def as_number(value, lookups) -> str:
    try:
        return number_format(value, decimal_pos=None, use_l10n=True)
    except (TypeError, ValueError):
        return str(value)


class Lookups:
    """Countries read once for a page of signals."""

    def __init__(self):
        self.countries: dict[str, Country | None] = {}

    def country(self, code: str):
        if code not in self.countries:
            self.countries[code] = Country.objects.filter(pk=code).first()
        return self.countries[code]


_FORMS = {
    "substance": as_substance,
    "family": as_family,
    "countries": as_countries,
    "by_country": as_countries,
    "country": as_country,
    "form": as_choice(SampleForm),
    "forms": as_forms,
    "previous": as_previous,
    "baseline": as_number,
}

MESSAGES = {
    "nps.signal_new_substance": AlertMessage(
        title=_("New substance reported: %(substance)s"),
        body=_("First reported in %(month)s by %(countries)s. Structural family: %(family)s."),
        formats=_FORMS,
    ),
    "nps.signal_spread": AlertMessage(
        title=_("%(substance)s reported by %(count)s countries within %(months)s months"),
        body=_(
            "Reported from %(start)s to %(end)s by %(countries)s (each with the month of its "
            "first report). The rule: %(threshold)s countries or more within %(months)s months."
        ),
        formats=_FORMS,
    ),
    "nps.signal_family_rise": AlertMessage(
        title=_("Reports of the %(family)s family rise faster than their trend"),
        body=_(
            "%(recent)s reports from %(start)s to %(end)s, against a mean of %(baseline)s a "
            "year over the %(periods)s years before (the rule: at least %(minimum)s reports "
            "and %(ratio)s times the mean). By country: %(by_country)s."
        ),
        formats=_FORMS,
    ),
    "nps.signal_family_rise_country": AlertMessage(
        title=_("Reports of the %(family)s family rise faster than their trend"),
        body=_(
            "Reports of this family from %(start)s to %(end)s reached %(ratio)s times their "
            "yearly mean of the years before or more. Reports from %(country)s in that time: "
            "%(own)s."
        ),
        formats=_FORMS,
    ),
    "nps.signal_new_form": AlertMessage(
        title=_("%(substance)s reported as %(form)s"),
        body=_(
            "Reported in %(country)s in %(month)s. Last reported in this form: %(previous)s. "
            "Forms it was reported in before: %(forms)s."
        ),
        formats=_FORMS,
    ),
    "nps.signal_new_form_country": AlertMessage(
        title=_("%(substance)s reported as %(form)s"),
        body=_(
            "Reported in %(country)s in %(month)s; not reported in this form in the "
            "%(months)s months before."
        ),
        formats=_FORMS,
    ),
}


def message_key(kind: str) -> str:
    return f"nps.signal_{kind}"


def narrowed(kind: str, params: dict, country: str | None) -> tuple[str, dict]:
    """The evidence a reader of `country` (not the secretariat) is shown: the shared kinds
    whole, the others only as they concern that country."""
    if kind in SHARED_KINDS:
        return message_key(kind), dict(params)
    if kind == SignalKind.FAMILY_RISE:
        return message_key(kind) + "_country", {
            "family": params.get("family"),
            "start": params.get("start"),
            "end": params.get("end"),
            "ratio": params.get("ratio"),
            "country": country,
            "own": (params.get("by_country") or {}).get(country, 0),
        }
    return message_key(kind) + "_country", {
        name: params.get(name) for name in ("substance", "form", "month", "country", "months")
    }


def render(key: str, params: dict, lookups: Lookups | None = None) -> tuple[str, str]:
    """Title and body in the active language."""
    message = MESSAGES.get(key)
    if message is None:
        return key, ""
    lookups = lookups or Lookups()
    values = {
        name: message.formats.get(name, lambda v, _l: "" if v is None else str(v))(value, lookups)
        for name, value in (params or {}).items()
    }
    return fill(message.title, values), fill(message.body, values)
