"""Emergence signals: their kinds and the rules' fixed thresholds, in one place for the
models, the rules, the services, the pages and the API (pages and the API import no models).

The thresholds of the spread rule (N countries within M months) are settings the secretariat
edits (`SignalSettings`); the others are fixed here and documented in docs/nps.md."""

from django.db import models
from django.utils.translation import gettext_lazy as _

SIGNAL_RECORD_TYPE = "nps.signal"
SETTINGS_RECORD_TYPE = "nps.signalsettings"


class SignalKind(models.TextChoices):
    NEW_SUBSTANCE = "new_substance", _("New substance")
    SPREAD = "spread", _("Spreading across countries")
    FAMILY_RISE = "family_rise", _("Family rising above its trend")
    NEW_FORM = "new_form", _("Controlled substance in a new form")


# Kinds whose evidence is the NPS register's shared aggregate (countries and months): read
# by every reader of signals. The other kinds are read by the secretariat and the readers of
# identification reports of the countries concerned.
SHARED_KINDS = (SignalKind.NEW_SUBSTANCE, SignalKind.SPREAD)

# Defaults of the secretariat's settings.
DEFAULT_SPREAD_COUNTRIES = 3
DEFAULT_SPREAD_MONTHS = 12
SPREAD_COUNTRIES_RANGE = (2, 100)
SPREAD_MONTHS_RANGE = (1, 60)

# A new substance signals when it entered the register within this many days.
NEW_SUBSTANCE_DAYS = 365
# A family rises when its reports of the last FAMILY_WINDOW_MONTHS calendar months (the
# current one included) number at least FAMILY_MIN_REPORTS and at least FAMILY_RATIO times
# the mean of the previous 12-month periods (at most FAMILY_BASELINE_PERIODS, from the
# family's first report on; at least one).
FAMILY_WINDOW_MONTHS = 12
FAMILY_MIN_REPORTS = 5
FAMILY_RATIO = 2
FAMILY_BASELINE_PERIODS = 5
# A controlled substance appears in a new form when a report names a form in which the
# substance was not reported in the NEW_FORM_MONTHS months before (or never), while the
# substance itself was reported before; reports sampled within NEW_FORM_DAYS are examined.
NEW_FORM_MONTHS = 24
NEW_FORM_DAYS = 365
