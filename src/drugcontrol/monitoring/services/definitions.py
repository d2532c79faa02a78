"""The definitions shipped in `data/monitoring/definitions.json`: loaded by
`drugcontrol manage load_reference`, added and updated by code, never removed (a definition
the file no longer names keeps the data entered against it)."""

import decimal
import json
from pathlib import Path

from django.db import transaction
from django.utils.translation import gettext as _

from drugcontrol.core.audit import record_event
from drugcontrol.core.errors import ValidationFailed, check_version
from drugcontrol.core.permissions import require
from drugcontrol.monitoring import expressions
from drugcontrol.monitoring.choices import Importance, Operator, Section, Unit, ValueType
from drugcontrol.monitoring.models import (
    Category,
    CategoryOption,
    DataElement,
    DataSet,
    DataSetElement,
    DataValue,
    ElementCategory,
    Indicator,
    Target,
    ValidationRule,
)
from drugcontrol.monitoring.regions import first_level_regions
from drugcontrol.monitoring.services.definition_document import PARTS, read_document

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
    document = json.loads(Path(path).read_text(encoding="utf-8"))
    return definitions_apply(actor=actor, document=document, source=Path(path).name)


class _DryRun(Exception):
    """Rolls a dry run's writes back."""


def _categories_kept(document: dict) -> dict:
    """An element with values keeps its categories: its cells are keyed by them."""
    problems = {}
    with_values = set(
        DataValue.objects.values_list("element__code", flat=True).distinct().order_by()
    )
    for index, item in enumerate(document["elements"]):
        if item["code"] not in with_values:
            continue
        current = list(
            ElementCategory.objects.filter(element__code=item["code"])
            .order_by("order")
            .values_list("category__code", flat=True)
        )
        if current != list(item["categories"]):
            problems[f"elements.{index}.categories"] = [
                _(
                    "Values were entered by these categories; define a new data element "
                    "rather than change them."
                )
            ]
    return problems


def _merged(current: dict, document: dict) -> tuple[dict, dict]:
    """The definitions as they stand with the document's laid over them, code by code: an
    item replaces the one of its code where it stands, a new one comes last (so a document
    may name only what it adds or changes, and the forms keep their order). Also
    {(part, place in the merged list): place in the document}."""
    merged, places = {}, {}
    for part, items in document.items():
        given = {item["code"]: (index, item) for index, item in enumerate(items)}
        merged[part] = []
        for item in current.get(part, []):
            index, replacement = given.pop(item["code"], (None, item))
            if index is not None:
                places[(part, len(merged[part]))] = index
            merged[part].append(replacement)
        for index, item in given.values():
            places[(part, len(merged[part]))] = index
            merged[part].append(item)
    return merged, places


def _renamed(problems: dict, places: dict) -> dict:
    """Problems named by the document's own places."""
    renamed = {}
    for key, messages in problems.items():
        part, _dot, rest = key.partition(".")
        index, _dot, tail = rest.partition(".")
        if index.isdigit() and (part, int(index)) in places:
            key = ".".join(filter(None, (part, str(places[(part, int(index))]), tail)))
        renamed.setdefault(key, []).extend(messages)
    return renamed


def definitions_apply(
    *, actor=None, document, source: str = "upload", dry_run: bool = False, event=None
) -> dict:
    """Add and update the definitions a document names (all or nothing: nothing is written
    when any part is wrong, or with `dry_run`); `{"changed": N, "elements": N}`. `event`:
    (action, object_id, before, after) to record instead of `definitions_loaded`."""
    if actor is not None:
        require(actor, "monitoring.definitions_keep")
    document, places = _merged(definitions_export(), read_document(document))
    try:
        _check(document)
        if problems := _categories_kept(document):
            raise ValidationFailed(problems)
    except ValidationFailed as error:
        raise ValidationFailed(_renamed(error.details, places)) from None
    try:
        with transaction.atomic():
            counts = _write(actor, document, source, event)
            if dry_run:
                raise _DryRun
    except _DryRun:
        pass
    return counts


def _linked(link, owner_field: str, owner, target_field: str, codes: list) -> bool:
    """An element's categories or a data set's elements brought to `codes`, in order;
    whether they changed."""
    links = link.objects.filter(**{owner_field: owner})
    current = list(links.order_by("order").values_list(f"{target_field}__code", flat=True))
    if current == list(codes):
        return False
    links.delete()
    target = link._meta.get_field(target_field).related_model
    for position, code in enumerate(codes):
        link.objects.create(
            **{owner_field: owner, target_field: target.objects.get(code=code)}, order=position
        )
    return True


def _write(actor, document: dict, source: str, event) -> dict:
    changed = 0
    for order, item in enumerate(document["categories"]):
        category, was = _upsert(
            Category, item["code"], {**{n: item[n] for n in NAMES}, "order": order}
        )
        changed += was
        stored = {row.code: row for row in CategoryOption.objects.filter(category=category)}
        for position, option in enumerate(item["options"]):
            row = stored.get(option["code"])
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
        changed += _linked(ElementCategory, "element", element, "category", item["categories"])
    for item in document["datasets"]:
        dataset, was = _upsert(DataSet, item["code"], {n: item[n] for n in NAMES})
        changed += was
        changed += _linked(DataSetElement, "dataset", dataset, "element", item["elements"])
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
    if event is not None and changed:
        action, object_id, before, after = event
        record_event(
            actor=actor,
            action=action,
            object_type="monitoring.definitions",
            object_id=object_id,
            before=before,
            after=after,
        )
    elif changed:
        record_event(
            actor=actor,
            action="monitoring.definitions_loaded",
            object_type="monitoring.definitions",
            object_id=source[:100],
            after={"changed": changed},
        )
    return {"changed": changed, "elements": len(document["elements"])}


def _plain(value):
    if isinstance(value, decimal.Decimal):
        return format(value.normalize(), "f")
    return value


def definitions_export() -> dict:
    """The definitions as they stand, in the file's shape (regions as their source and
    countries, not as two hundred options)."""
    categories = []
    for category in Category.objects.order_by("order", "code").prefetch_related("options"):
        options = list(category.options.all())
        item = {"code": category.code, "name_en": category.name_en, "name_zh": category.name_zh}
        if any(option.country_id for option in options):
            # in the order loaded, which orders the options
            countries = list(dict.fromkeys(o.country_id for o in options if o.country_id))
            item.update(options_from="iso3166-2", countries=countries, options=[])
        else:
            item["options"] = [
                {"code": o.code, "name_en": o.name_en, "name_zh": o.name_zh} for o in options
            ]
        categories.append(item)
    elements = []
    for element in DataElement.objects.order_by("order", "code").prefetch_related(
        "elementcategory_set__category"
    ):
        elements.append(
            {
                **{n: getattr(element, n) for n in (*NAMES, "section", "value_type", "unit")},
                "code": element.code,
                "categories": [link.category.code for link in element.elementcategory_set.all()],
                "minimum": _plain(element.minimum),
                "maximum": _plain(element.maximum),
                "description_en": element.description_en,
                "description_zh": element.description_zh,
            }
        )
    datasets = [
        {
            "code": dataset.code,
            **{n: getattr(dataset, n) for n in NAMES},
            "elements": list(
                DataSetElement.objects.filter(dataset=dataset)
                .order_by("order")
                .values_list("element__code", flat=True)
            ),
        }
        for dataset in DataSet.objects.order_by("code")
    ]
    rules = [
        {n: getattr(rule, n) for n in ("code", *NAMES, "left", "operator", "right", "importance")}
        for rule in ValidationRule.objects.order_by("code")
    ]
    indicators = [
        {
            **{
                n: getattr(indicator, n)
                for n in ("code", *NAMES, "numerator", "denominator", "breakdown", "weight")
            },
            **{n: getattr(indicator, n) for n in ("unit_en", "unit_zh", "decimals")},
            "factor": _plain(indicator.factor),
        }
        for indicator in Indicator.objects.order_by("code")
    ]
    targets = [
        {
            **{n: getattr(target, n) for n in ("code", *NAMES, "baseline_year", "target_year")},
            "indicator": target.indicator.code,
            "change_percent": _plain(target.change_percent),
            "source": target.source,
        }
        for target in Target.objects.select_related("indicator").order_by("code")
    ]
    return {
        "categories": categories,
        "elements": elements,
        "datasets": datasets,
        "rules": rules,
        "indicators": indicators,
        "targets": targets,
    }


PART_MODELS = {
    "elements": DataElement,
    "rules": ValidationRule,
    "indicators": Indicator,
    "targets": Target,
}


def definition_save(
    *, actor, part: str, item, expected_version=None, dataset: str | None = None
) -> object:
    """Add or change one data element, validation rule, indicator or target (`part`: the
    name of its list in the document), checked as a whole file would be; a new element
    joins `dataset`'s form. A stale `expected_version` is a conflict."""
    require(actor, "monitoring.definitions_keep")
    if part not in PART_MODELS:
        raise ValidationFailed({"part": [_("Unknown kind of definition.")]})
    item = read_document(item, PARTS[part])
    model = PART_MODELS[part]
    with transaction.atomic():
        current = model.objects.select_for_update().filter(code=item["code"]).first()
        if current is not None:
            check_version(current, expected_version)
        current_document = definitions_export()
        before = next((i for i in current_document[part] if i["code"] == item["code"]), None)
        after = {k: _plain(v) for k, v in item.items()}
        document = {part: [after]}
        if before is None and part == "elements":
            joined = next((d for d in current_document["datasets"] if d["code"] == dataset), None)
            if joined is None:
                raise ValidationFailed({"dataset": [_("Choose the data set it is reported in.")]})
            document["datasets"] = [{**joined, "elements": [*joined["elements"], item["code"]]}]
        try:
            definitions_apply(
                actor=actor,
                document=document,
                event=("monitoring.definition_saved", f"{part}:{item['code']}", before, after),
            )
        except ValidationFailed as error:
            prefix = f"{part}.0."
            raise ValidationFailed(
                {
                    (key[len(prefix) :] if key.startswith(prefix) else key): messages
                    for key, messages in error.details.items()
                }
            ) from None
    return model.objects.get(code=item["code"])
