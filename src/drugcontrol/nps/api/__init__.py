"""The NPS API under /api/v1/nps/: identification reports, the NPS register, signals, the
spectral search, the scheduling pipeline and toxicology cases."""

# Importing the modules adds their routes to the router, in this order.
# isort: off
from drugcontrol.nps.api.base import router
import drugcontrol.nps.api.pipeline  # noqa: F401  (scheduling pipeline)
from drugcontrol.nps.api import reports  # noqa: F401  (reports, register, toxicology, watch list)
from drugcontrol.nps.api import spectra as _spectra  # noqa: F401  (the spectral library)
from drugcontrol.nps.api import signals as _signals  # noqa: F401  (emergence signals)
# isort: on

__all__ = ["router"]
