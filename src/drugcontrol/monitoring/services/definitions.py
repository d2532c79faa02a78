"""The definitions shipped in `data/monitoring/definitions.json`: loaded by
`drugcontrol manage load_reference`, added and updated by code, never removed (a definition
the file no longer names keeps the data entered against it)."""

import decimal
import json
from pathlib import Path

from django.db import transaction
from django.utils.translation import gettext as _

from drugcontrol.core.audit import record_event
from drugcontrol.core.errors import ValidationFailed
from drugcontrol.core.permissions import require
from drugcontrol.monitoring import expressions
from drugcontrol.monitoring.choices import Importance, Operator, Section, Unit, ValueType
from drugcontrol.monitoring.models import (
    Category,
    CategoryOption,
    DataElement,
    DataSet,
    DataSetElement,
    ElementCategory,
    Indicator,
    Target,
    ValidationRule,
)
from drugcontrol.monitoring.regions import first_level_regions

DEFINITIONS_FILE = Path(__file__).resolve().parents[2] / "data" / "monitoring" / "definitions.json"
NAMES = ("name_en", "name_zh")


def _decimal(value):
    return None if value is None else decimal.Decimal(str(value))


def _upsert(model, code: str, fields: dict) -> tuple[object, bool]:
    """(row, changed): the row by code, created or brought to `fields`."""
    row = model.objects.filter(code=code).first()
    if row is None:
        return model.objects.create(code=code, **fields), True
    changed = {name: value for name, value in fields.items() if getattr(row, name) != value}
    if changed:
        for name, value in changed.items():
            setattr(row, name, value)
        row.version += 1
        row.save()
    return row, bool(changed)


def _expand_regions(document: dict) -> dict:
    """A category `"options_from": "iso3166-2"` gets the first-level regions of its
    `countries` as options: {where: [problem]} for a country code unknown."""
    problems = {}
    for index, category in enumerate(document["categories"]):
        if category.get("options_from") == "iso3166-2":
            try:
                category["options"] = first_level_regions(category.get("countries", []))
            except KeyError as error:
                problems[f"categories.{index}.countries"] = [
                    _("Unknown country code %(code)s.") % {"code": str(error.args[0])[:3]}
                ]
    return problems


def _check(document: dict) -> None:
    """Every choice known and every expression readable, before anything is written."""
    problems = _expand_regions(document)
    categories = {c["code"]: [o["code"] for o in c["options"]] for c in document["categories"]}
    element_categories = {}
    for index, element in enumerate(document["elements"]):
        where = f"elements.{index}"
        if element["section"] not in Section.values:
            problems[f"{where}.section"] = [_("Unknown section.")]
        if element["value_type"] not in ValueType.values:
            problems[f"{where}.value_type"] = [_("Unknown value type.")]
        if element["unit"] not in Unit.values:
            problems[f"{where}.unit"] = [_("Unknown unit.")]
        unknown = [c for c in element["categories"] if c not in categories]
        if unknown:
            problems[f"{where}.categories"] = [
                _("Unknown category %(code)s.") % {"code": unknown[0]}
            ]
        element_categories[element["code"]] = element["categories"]
    for index, rule in enumerate(document["rules"]):
        if rule["operator"] not in Operator.values:
            problems[f"rules.{index}.operator"] = [_("Unknown operator.")]
        if rule["importance"] not in Importance.values:
            problems[f"rules.{index}.importance"] = [_("Unknown importance.")]
        for side in ("left", "right"):
            try:
                expressions.check(
                    rule[side], element_categories, f"rules.{index}.{side}", categories
                )
            except ValidationFailed as error:
                problems.update(error.details)
    for index, dataset in enumerate(document["datasets"]):
        unknown = [e for e in dataset["elements"] if e not in element_categories]
        if unknown:
            problems[f"datasets.{index}.elements"] = [
                _("Unknown data element %(code)s.") % {"code": unknown[0]}
            ]
    indicators = {indicator["code"] for indicator in document["indicators"]}
    for index, target in enumerate(document["targets"]):
        if target["indicator"] not in indicators:
            problems[f"targets.{index}.indicator"] = [
                _("Unknown indicator %(code)s.") % {"code": target["indicator"]}
            ]
    for index, indicator in enumerate(document["indicators"]):
        for part in ("numerator", "denominator", "weight"):
            if indicator.get(part):
                try:
                    expressions.check(
                        indicator[part],
                        element_categories,
                        f"indicators.{index}.{part}",
                        categories,
                    )
                except ValidationFailed as error:
                    problems.update(error.details)
    if problems:
        raise ValidationFailed(problems)


def definitions_load(*, actor=None, path: Path = DEFINITIONS_FILE) -> dict:
    """Load the file (all or nothing); returns how many definitions were added or changed.
    The system loads it (no actor: `drugcontrol manage load_reference`); a person, only with
    the right to keep the definitions."""
    if actor is not None:
        require(actor, "monitoring.definitions_keep")
    document = json.loads(Path(path).read_text(encoding="utf-8"))
    _check(document)
    changed = 0
    with transaction.atomic():
        for order, item in enumerate(document["categories"]):
            category, was = _upsert(
                Category, item["code"], {**{n: item[n] for n in NAMES}, "order": order}
            )
            changed += was
            for position, option in enumerate(item["options"]):
                row = CategoryOption.objects.filter(category=category, code=option["code"]).first()
                fields = {
                    **{n: option[n] for n in NAMES},
                    "order": position,
                    "country_id": option.get("country"),
                }
                if row is None:
                    CategoryOption.objects.create(category=category, code=option["code"], **fields)
                    changed += 1
                elif any(getattr(row, n) != v for n, v in fields.items()):
                    CategoryOption.objects.filter(pk=row.pk).update(**fields)
                    changed += 1
        for order, item in enumerate(document["elements"]):
            element, was = _upsert(
                DataElement,
                item["code"],
                {
                    **{n: item[n] for n in NAMES},
                    "description_en": item.get("description_en", ""),
                    "description_zh": item.get("description_zh", ""),
                    "section": item["section"],
                    "value_type": item["value_type"],
                    "unit": item["unit"],
                    "minimum": _decimal(item.get("minimum")),
                    "maximum": _decimal(item.get("maximum")),
                    "order": order,
                },
            )
            changed += was
            wanted = list(item["categories"])
            current = list(
                ElementCategory.objects.filter(element=element)
                .order_by("order")
                .values_list("category__code", flat=True)
            )
            if current != wanted:
                ElementCategory.objects.filter(element=element).delete()
                for position, code in enumerate(wanted):
                    ElementCategory.objects.create(
                        element=element, category=Category.objects.get(code=code), order=position
                    )
                changed += 1
        for item in document["datasets"]:
            dataset, was = _upsert(DataSet, item["code"], {n: item[n] for n in NAMES})
            changed += was
            wanted = list(item["elements"])
            current = list(
                DataSetElement.objects.filter(dataset=dataset)
                .order_by("order")
                .values_list("element__code", flat=True)
            )
            if current != wanted:
                DataSetElement.objects.filter(dataset=dataset).delete()
                for position, code in enumerate(wanted):
                    DataSetElement.objects.create(
                        dataset=dataset, element=DataElement.objects.get(code=code), order=position
                    )
                changed += 1
        for item in document["rules"]:
            fields = {n: item[n] for n in (*NAMES, "left", "operator", "right", "importance")}
            changed += _upsert(ValidationRule, item["code"], fields)[1]
        for item in document["indicators"]:
            fields = {
                **{n: item[n] for n in NAMES},
                "numerator": item["numerator"],
                "denominator": item.get("denominator", ""),
                "factor": decimal.Decimal(str(item.get("factor", "1"))),
                "breakdown": item.get("breakdown", ""),
                "weight": item.get("weight", ""),
                "unit_en": item.get("unit_en", ""),
                "unit_zh": item.get("unit_zh", ""),
                "decimals": item.get("decimals", 1),
            }
            changed += _upsert(Indicator, item["code"], fields)[1]
        for item in document["targets"]:
            fields = {
                **{n: item[n] for n in NAMES},
                "indicator": Indicator.objects.get(code=item["indicator"]),
                "baseline_year": item["baseline_year"],
                "target_year": item["target_year"],
                "change_percent": decimal.Decimal(str(item["change_percent"])),
                "source": item.get("source", ""),
            }
            changed += _upsert(Target, item["code"], fields)[1]
        if changed:
            record_event(
                actor=actor,
                action="monitoring.definitions_loaded",
                object_type="monitoring.definitions",
                object_id=Path(path).name,
                after={"changed": changed},
            )
    return {"changed": changed, "elements": len(document["elements"])}
