"""Every write of the monitoring app (see the modules): definitions loaded from their file,
values entered or imported, and the approval of a country's data set."""

from drugcontrol.monitoring.services.approval import submission_act
from drugcontrol.monitoring.services.data import (
    Batch,
    ValueInput,
    submission_open,
    value_set,
    values_set,
    values_set_many,
)
from drugcontrol.monitoring.services.definitions import (
    DEFINITIONS_FILE,
    definition_save,
    definitions_apply,
    definitions_export,
    definitions_load,
)
from drugcontrol.monitoring.services.programmes import (
    ProgrammeInput,
    programme_create,
    programme_update,
)

__all__ = [
    "DEFINITIONS_FILE",
    "Batch",
    "ProgrammeInput",
    "ValueInput",
    "definition_save",
    "definitions_apply",
    "definitions_export",
    "definitions_load",
    "programme_create",
    "programme_update",
    "submission_act",
    "submission_open",
    "value_set",
    "values_set",
    "values_set_many",
]
