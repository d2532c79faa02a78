"""The nps app's tables, one module per part; each is imported here so Django finds it."""

from drugcontrol.nps.models.spectra import *  # noqa: F403  (the spectral library)
