"""Values as SDMX: a structure-specific data set of series (every dimension but
TIME_PERIOD) and their yearly observations, written by sdmx1 as SDMX-CSV (the 2.0 version
sdmx1 writes: STRUCTURE, STRUCTURE_ID, ACTION, the dimensions, OBS_VALUE, the attributes)
or SDMX-ML 2.1 (StructureSpecificData)."""

from collections import defaultdict

import pandas
import sdmx
from sdmx import message
from sdmx.model import common, v21

from drugcontrol.monitoring.choices import Status
from drugcontrol.monitoring.exchange.cells import Cell, number
from drugcontrol.monitoring.exchange.structure import (
    NOT_APPLICABLE,
    PROVISIONAL,
    PUBLISHED,
    Structure,
    dimension_of,
)


def _series_key(structure: Structure, cell: Cell) -> tuple[str, ...]:
    values = {"DATA_ELEMENT": cell.element, "REF_AREA": cell.country}
    for category in structure.categories:
        values[dimension_of(category)] = cell.options.get(category) or NOT_APPLICABLE
    return tuple(values[d] for d in structure.series_dimensions)


def data_set(structure: Structure, cells: list[Cell]) -> v21.StructureSpecificDataSet:
    """The cells with a value as observations grouped in series."""
    found = v21.StructureSpecificDataSet(
        described_by=structure.dataflow, structured_by=structure.dsd
    )
    series: dict[tuple, list[Cell]] = defaultdict(list)
    for cell in cells:
        if cell.value is not None:
            series[_series_key(structure, cell)].append(cell)
    statuses = structure.codelists["OBS_STATUS"]
    names = structure.series_dimensions
    for key, members in series.items():
        series_key = structure.dsd.make_key(common.SeriesKey, dict(zip(names, key, strict=True)))
        observations = []
        for cell in sorted(members, key=lambda c: c.year):
            status = PUBLISHED if cell.status == Status.PUBLISHED else PROVISIONAL
            attached = {
                "OBS_STATUS": common.AttributeValue(
                    value=statuses[status], value_for=structure.status
                )
            }
            if cell.comment:
                attached["COMMENT"] = common.AttributeValue(
                    value=cell.comment, value_for=structure.comment
                )
            observations.append(
                v21.Observation(
                    dimension=structure.dsd.make_key(common.Key, {"TIME_PERIOD": str(cell.year)}),
                    value=number(cell.value),
                    value_for=structure.measure,
                    attached_attribute=attached,
                )
            )
        found.add_obs(observations, series_key)
    return found


def sdmx_csv(structure: Structure, cells: list[Cell]) -> bytes:
    """SDMX-CSV as sdmx1 writes it; values as stored (no conversion to floating point)."""
    frame = sdmx.to_csv(
        data_set(structure, cells), rtype=pandas.DataFrame, attributes="o", dtype=None
    )
    if frame.empty:  # no observation: the header alone
        columns = [
            "STRUCTURE",
            "STRUCTURE_ID",
            "ACTION",
            *structure.series_dimensions,
            "TIME_PERIOD",
            "OBS_VALUE",
            "OBS_STATUS",
            "COMMENT",
        ]
        return (",".join(columns) + "\n").encode()
    return frame.to_csv(index=False, lineterminator="\n").encode("utf-8")


def sdmx_ml(structure: Structure, cells: list[Cell]) -> bytes:
    """SDMX-ML 2.1 structure-specific data, observations at TIME_PERIOD."""
    found = message.DataMessage(
        dataflow=structure.dataflow,
        data=[data_set(structure, cells)],
        observation_dimension=structure.dsd.dimensions.get("TIME_PERIOD"),
    )
    return sdmx.to_xml(found, pretty_print=True)


def structure_ml(structure: Structure) -> bytes:
    """The data structure definition, its dataflow, concepts and code lists (SDMX-ML 2.1)."""
    return sdmx.to_xml(structure.structure_message(), pretty_print=True)
