"""The shape of a definitions document (the shipped file, an upload, an export): every key
present with the type and bounds its column takes, before anything reads it. A problem is
named by its place in the document (`rules.3.left`)."""

import decimal
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from drugcontrol.core.errors import ValidationFailed
from drugcontrol.core.messages import gettext as _
from drugcontrol.core.schema_messages import schema_message

Code = Annotated[str, Field(min_length=1, max_length=40, pattern=r"^[A-Za-z0-9_-]+$")]
Name = Annotated[str, Field(min_length=1, max_length=200)]
Description = Annotated[str, Field(max_length=2000)]
Formula = Annotated[str, Field(max_length=500)]
Year = Annotated[int, Field(ge=1900, le=2200)]
Number = Annotated[decimal.Decimal, Field(allow_inf_nan=False, max_digits=24, decimal_places=6)]


class Part(BaseModel):
    model_config = ConfigDict(extra="ignore", strict=False)


class OptionDocument(Part):
    code: Code
    name_en: Name
    name_zh: Name
    country: str | None = Field(None, max_length=3)


class CategoryDocument(Part):
    code: Code
    name_en: Name
    name_zh: Name
    options: list[OptionDocument] = Field(default_factory=list, max_length=5000)
    options_from: str | None = Field(None, pattern=r"^iso3166-2$")
    countries: list[Annotated[str, Field(max_length=3)]] = Field(
        default_factory=list, max_length=300
    )


class ElementDocument(Part):
    code: Code
    name_en: Name
    name_zh: Name
    section: str = Field(max_length=10)
    value_type: str = Field(max_length=10)
    unit: str = Field(max_length=15)
    categories: list[Code] = Field(default_factory=list, max_length=6)
    minimum: Number | None = None
    maximum: Number | None = None
    description_en: Description = ""
    description_zh: Description = ""


class DataSetDocument(Part):
    code: Code
    name_en: Name
    name_zh: Name
    elements: list[Code] = Field(max_length=500)


class RuleDocument(Part):
    code: Code
    name_en: Name
    name_zh: Name
    left: Formula = Field(min_length=1)
    operator: str = Field(max_length=2)
    right: Formula = Field(min_length=1)
    importance: str = Field(max_length=10)


class IndicatorDocument(Part):
    code: Code
    name_en: Name
    name_zh: Name
    numerator: Formula = Field(min_length=1)
    denominator: Formula = ""
    factor: Annotated[
        decimal.Decimal, Field(allow_inf_nan=False, max_digits=12, decimal_places=4)
    ] = decimal.Decimal(1)
    breakdown: str = Field("", max_length=40)
    weight: Formula = ""
    unit_en: str = Field("", max_length=60)
    unit_zh: str = Field("", max_length=60)
    decimals: int = Field(1, ge=0, le=6)


class TargetDocument(Part):
    code: Code
    name_en: Name
    name_zh: Name
    indicator: Code
    baseline_year: Year
    target_year: Year
    change_percent: Annotated[
        decimal.Decimal, Field(allow_inf_nan=False, max_digits=7, decimal_places=2)
    ]
    source: Description = ""


class DefinitionsDocument(Part):
    categories: list[CategoryDocument] = Field(default_factory=list, max_length=100)
    elements: list[ElementDocument] = Field(default_factory=list, max_length=2000)
    datasets: list[DataSetDocument] = Field(default_factory=list, max_length=100)
    rules: list[RuleDocument] = Field(default_factory=list, max_length=2000)
    indicators: list[IndicatorDocument] = Field(default_factory=list, max_length=500)
    targets: list[TargetDocument] = Field(default_factory=list, max_length=500)


# The parts one may save alone, by the name of their list in the document.
PARTS = {
    "elements": ElementDocument,
    "rules": RuleDocument,
    "indicators": IndicatorDocument,
    "targets": TargetDocument,
}


def _where(location: tuple, prefix: str = "") -> str:
    return ".".join([prefix, *map(str, location)] if prefix else map(str, location)) or "file"


def read_document(raw, schema=DefinitionsDocument, prefix: str = "") -> dict:
    """The document as plain data (numbers as Decimal), or `ValidationFailed` naming every
    place that does not fit."""
    if not isinstance(raw, dict):
        raise ValidationFailed({prefix or "file": [_("Give the definitions as a JSON object.")]})
    try:
        parsed = schema.model_validate(raw)
    except ValidationError as error:
        problems: dict[str, list[str]] = {}
        for item in error.errors(include_url=False, include_input=False):
            problems.setdefault(_where(item["loc"], prefix), []).append(schema_message(item))
        raise ValidationFailed(problems) from None
    return parsed.model_dump()
