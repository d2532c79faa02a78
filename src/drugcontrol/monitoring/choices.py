"""The monitoring app's fixed vocabularies: value types, units, sections, statuses."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ValueType(models.TextChoices):
    NUMBER = "number", _("Number")
    INTEGER = "integer", _("Whole number")
    PERCENT = "percent", _("Percentage")


class Unit(models.TextChoices):
    PERCENT = "percent", _("%")
    PEOPLE = "people", _("people")
    CASES = "cases", _("cases")
    KG = "kg", _("kg")
    TONNES = "t", _("tonnes")
    UNITS = "units", _("units (tablets, doses)")
    HECTARES = "ha", _("hectares")
    KG_PER_HA = "kg_ha", _("kg per hectare")
    USD_PER_GRAM = "usd_g", _("US$ per gram")
    USD_PER_KG = "usd_kg", _("US$ per kilogram")
    LABORATORIES = "laboratories", _("laboratories")
    DEATHS = "deaths", _("deaths")
    HOUSEHOLDS = "households", _("households")
    USD = "usd", _("US$")


class Section(models.TextChoices):
    USE = "use", _("Drug use and its consequences")
    SUPPLY = "supply", _("Drug supply")
    CROPS = "crops", _("Illicit crops and alternative development")


class Status(models.TextChoices):
    """The approval of one country's data set for one year (DHIS2's data approval, in the
    annual questionnaire's terms)."""

    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    RETURNED = "returned", _("Returned with comments")
    ACCEPTED = "accepted", _("Accepted")
    PUBLISHED = "published", _("Published")


# A period whose data is approved is locked: a change reopens it, with a reason.
LOCKED = frozenset({Status.SUBMITTED, Status.ACCEPTED, Status.PUBLISHED})
# The country may change values in these statuses.
EDITABLE = frozenset({Status.DRAFT, Status.RETURNED})


class Importance(models.TextChoices):
    ERROR = "error", _("Error: blocks submission")
    WARNING = "warning", _("Warning: needs a comment")


class Operator(models.TextChoices):
    LE = "<=", _("at most")
    LT = "<", _("less than")
    GE = ">=", _("at least")
    GT = ">", _("more than")
    EQ = "==", _("equal to")


class Livelihood(models.TextChoices):
    """What an alternative development programme helps farmers grow or make instead (the
    products UNODC's alternative development reports name most often)."""

    COFFEE = "coffee", _("Coffee")
    COCOA = "cocoa", _("Cocoa")
    TEA = "tea", _("Tea")
    RICE = "rice", _("Rice")
    MAIZE = "maize", _("Maize")
    WHEAT = "wheat", _("Wheat")
    BEANS = "beans", _("Beans and pulses")
    VEGETABLES = "vegetables", _("Vegetables")
    FRUIT = "fruit", _("Fruit trees")
    NUTS = "nuts", _("Nuts")
    SAFFRON = "saffron", _("Saffron")
    SPICES = "spices", _("Spices and medicinal plants")
    PALM_OIL = "palm_oil", _("Oil palm")
    RUBBER = "rubber", _("Rubber")
    TIMBER = "timber", _("Timber and forestry")
    LIVESTOCK = "livestock", _("Livestock and dairy")
    FISH = "fish", _("Fish farming")
    HONEY = "honey", _("Honey")
    HANDICRAFTS = "handicrafts", _("Handicrafts and textiles")
    TOURISM = "tourism", _("Tourism")
