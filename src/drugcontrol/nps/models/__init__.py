"""The nps app's tables, one module per part; each is imported here so Django finds it."""

from drugcontrol.nps.models.pipeline import ReviewStep as ReviewStep  # scheduling pipeline
from drugcontrol.nps.models.pipeline import ScheduleReview as ScheduleReview  # scheduling pipeline

# isort: off
# identification reports, the NPS register, toxicology cases and the watch list
from drugcontrol.nps.models.reports import IdentificationReport as IdentificationReport
from drugcontrol.nps.models.reports import RegisterEntry as RegisterEntry
from drugcontrol.nps.models.reports import ToxicologyCase as ToxicologyCase
from drugcontrol.nps.models.reports import ToxicologyFinding as ToxicologyFinding
from drugcontrol.nps.models.reports import WatchEntry as WatchEntry

# isort: on
# emergence signals
from drugcontrol.nps.models.signals import Signal as Signal
from drugcontrol.nps.models.signals import SignalCountry as SignalCountry
from drugcontrol.nps.models.signals import SignalSettings as SignalSettings
from drugcontrol.nps.models.spectra import *  # noqa: F403  (the spectral library)
