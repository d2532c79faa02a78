"""The nps app's tables, one module per part; each is imported here so Django finds it."""

from drugcontrol.nps.models.pipeline import ReviewStep as ReviewStep  # scheduling pipeline
from drugcontrol.nps.models.pipeline import ScheduleReview as ScheduleReview  # scheduling pipeline
