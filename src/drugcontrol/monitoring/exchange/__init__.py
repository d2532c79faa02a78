"""National monitoring values in and out of the system as files: plain CSV/XLSX templates
(one row per cell) and SDMX (a data structure definition built from the definitions,
SDMX-CSV and SDMX-ML 2.1 written by the sdmx1 library). Reading files back is
`monitoring/imports.py`. See docs/monitoring-exchange.md."""

from drugcontrol.monitoring.exchange.cells import (
    Cell,
    export_cells,
    template_cells,
)
from drugcontrol.monitoring.exchange.plain import plain_csv, plain_xlsx
from drugcontrol.monitoring.exchange.structure import (
    AGENCY,
    DATAFLOW,
    NOT_APPLICABLE,
    STRUCTURE_ID,
    dimension_of,
    structure,
)

__all__ = [
    "AGENCY",
    "DATAFLOW",
    "NOT_APPLICABLE",
    "STRUCTURE_ID",
    "Cell",
    "dimension_of",
    "export_cells",
    "plain_csv",
    "plain_xlsx",
    "structure",
    "template_cells",
]
