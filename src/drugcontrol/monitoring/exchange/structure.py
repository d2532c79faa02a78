"""The SDMX data structure definition of national monitoring, built from the definitions
(sdmx1's information model, SDMX 2.1): docs/monitoring-exchange.md describes it.

Dimensions, in this order: DATA_ELEMENT, REF_AREA (ISO 3166-1 alpha-3), one per category
(its code in capitals: DRUG, PERIOD, SEX, CROP, METHOD; `_Z` where the element has no such
category), TIME_PERIOD (the year). Measure OBS_VALUE; attributes OBS_STATUS (A: published,
P: not yet published) and COMMENT, both attached to the observation."""

from sdmx import message
from sdmx.model import common, v21

from drugcontrol.core.models import Country
from drugcontrol.monitoring.exchange.cells import Definitions

AGENCY = "DRUGCONTROL"
VERSION = "1.0"
DATAFLOW = "DF_MONITORING"
STRUCTURE_ID = f"{AGENCY}:{DATAFLOW}({VERSION})"  # the SDMX-CSV STRUCTURE_ID column
NOT_APPLICABLE = "_Z"  # SDMX's code for "not applicable" (CL_NOT_APPLICABLE convention)
PUBLISHED, PROVISIONAL = "A", "P"  # CL_OBS_STATUS: normal value, provisional value


def dimension_of(category: str) -> str:
    """The dimension of a category: its code in capitals."""
    return category.upper()


class Structure:
    """The DSD, its dataflow, concept scheme and code lists, for one state of the
    definitions."""

    def __init__(self, defs: Definitions, countries: list[tuple[str, str, str]]):
        maintained = {"maintainer": common.Agency(id=AGENCY), "version": VERSION}
        self.concepts = common.ConceptScheme(id="CS_MONITORING", **maintained)
        self.dsd = v21.DataStructureDefinition(id="DSD_MONITORING", **maintained)
        self.dataflow = v21.DataflowDefinition(
            id=DATAFLOW,
            name={"en": "National monitoring of drug control", "zh": "国家禁毒监测"},
            structure=self.dsd,
            **maintained,
        )
        self.codelists: dict[str, common.Codelist] = {}
        self.categories = list(defs.category_order)

        def codelist(dimension: str, codes) -> common.Codelist:
            found = common.Codelist(id=f"CL_{dimension}", **maintained)
            for code, name_en, name_zh in codes:
                found.append(common.Code(id=code, name={"en": name_en, "zh": name_zh or name_en}))
            self.codelists[dimension] = found
            return found

        def concept(identifier: str, name_en: str, name_zh: str):
            return self.concepts.setdefault(id=identifier, name={"en": name_en, "zh": name_zh})

        def dimension(identifier: str, name_en: str, name_zh: str, codes) -> None:
            self.dsd.dimensions.getdefault(
                id=identifier,
                concept_identity=concept(identifier, name_en, name_zh),
                local_representation=common.Representation(enumerated=codelist(identifier, codes)),
            )

        dimension(
            "DATA_ELEMENT",
            "Data element",
            "数据元素",
            [(e.code, e.name_en, e.name_zh) for e in defs.elements.values()],
        )
        dimension("REF_AREA", "Reference area", "参考地区", countries)
        from drugcontrol.monitoring.models import Category, CategoryOption

        names = {c.code: c for c in Category.objects.all()}
        option_names = {
            (o.category.code, o.code): o for o in CategoryOption.objects.select_related("category")
        }
        for category in self.categories:
            named = names[category]
            codes = [
                (
                    code,
                    option_names[(category, code)].name_en,
                    option_names[(category, code)].name_zh,
                )
                for code in defs.options.get(category, [])
            ]
            codes.append((NOT_APPLICABLE, "Not applicable", "不适用"))
            dimension(dimension_of(category), named.name_en, named.name_zh, codes)
        self.dsd.dimensions.getdefault(
            id="TIME_PERIOD",
            cls=v21.TimeDimension,
            concept_identity=concept("TIME_PERIOD", "Year", "年份"),
        )
        self.measure = self.dsd.measures.getdefault(
            id="OBS_VALUE", concept_identity=concept("OBS_VALUE", "Value", "数值")
        )
        self.status = self.dsd.attributes.getdefault(
            id="OBS_STATUS",
            concept_identity=concept("OBS_STATUS", "Observation status", "观测值状态"),
            related_to=v21.PrimaryMeasureRelationship(),
            usage_status=common.UsageStatus.conditional,
            local_representation=common.Representation(
                enumerated=codelist(
                    "OBS_STATUS",
                    [
                        (PUBLISHED, "Normal value (published)", "正常值（已发布）"),
                        (
                            PROVISIONAL,
                            "Provisional value (not yet published)",
                            "临时值（尚未发布）",
                        ),
                    ],
                )
            ),
        )
        self.comment = self.dsd.attributes.getdefault(
            id="COMMENT",
            concept_identity=concept("COMMENT", "Comment", "备注"),
            related_to=v21.PrimaryMeasureRelationship(),
            usage_status=common.UsageStatus.conditional,
        )

    @property
    def series_dimensions(self) -> list[str]:
        return [d.id for d in self.dsd.dimensions.components if d.id != "TIME_PERIOD"]

    def structure_message(self) -> message.StructureMessage:
        found = message.StructureMessage()
        found.add(self.dsd)
        found.add(self.dataflow)
        found.add(self.concepts)
        for codelist in self.codelists.values():
            found.add(codelist)
        return found


def structure(defs: Definitions) -> Structure:
    """The structure for these definitions (every country as REF_AREA's code list)."""
    countries = list(Country.objects.order_by("iso3").values_list("iso3", "name_en", "name_zh"))
    return Structure(defs, countries)
