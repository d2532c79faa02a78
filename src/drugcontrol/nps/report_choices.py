"""The enumerations of identification reports, the NPS register, toxicology cases and the
watch list: one definition for the models, the services, the forms and the API (pages and
the API import no models, so the choices live apart from them)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

# How audit events name each record kind (app label and model, lower case).
REPORT_RECORD_TYPE = "nps.identificationreport"
CASE_RECORD_TYPE = "nps.toxicologycase"
REGISTER_RECORD_TYPE = "nps.registerentry"
WATCH_RECORD_TYPE = "nps.watchentry"


class SampleKind(models.TextChoices):
    SEIZED_MATERIAL = "seized_material", _("Seized material")
    BIOLOGICAL = "biological", _("Biological sample")


class SampleForm(models.TextChoices):
    POWDER = "powder", _("Powder")
    TABLET = "tablet", _("Tablet")
    BLOTTER = "blotter", _("Blotter")
    HERBAL_MATERIAL = "herbal_material", _("Herbal material")
    E_LIQUID = "e_liquid", _("E-liquid")
    OTHER = "other", _("Other")


class Technique(models.TextChoices):
    GC_MS = "gc_ms", "GC-MS"
    LC_MS_MS = "lc_ms_ms", "LC-MS/MS"
    LC_HRMS = "lc_hrms", "LC-HRMS"
    NMR = "nmr", "NMR"
    FTIR = "ftir", "FTIR"
    RAMAN = "raman", _("Raman spectroscopy")
    GC_IR = "gc_ir", "GC-IR"
    UV_VIS = "uv_vis", _("UV-visible spectroscopy")
    IMMUNOASSAY = "immunoassay", _("Immunoassay")
    OTHER = "other", _("Other")


class Classification(models.TextChoices):
    """What the identification engine made of a report when it was submitted."""

    CONTROLLED = "controlled", _("Under international control")
    POSSIBLY_CONTROLLED = "possibly_controlled", _("Possibly under international control")
    KNOWN_NPS = "known_nps", _("Known NPS (already in the register)")
    NEW_SUBSTANCE = "new_substance", _("New to the system")


# The classifications that put a substance in the NPS register.
REGISTER_CLASSIFICATIONS = (Classification.KNOWN_NPS, Classification.NEW_SUBSTANCE)


class EffectGroup(models.TextChoices):
    STIMULANT = "stimulant", _("Stimulant")
    SYNTHETIC_CANNABINOID = "synthetic_cannabinoid", _("Synthetic cannabinoid receptor agonist")
    CLASSIC_HALLUCINOGEN = "classic_hallucinogen", _("Classic hallucinogen")
    OPIOID = "opioid", _("Opioid")
    SEDATIVE_HYPNOTIC = "sedative_hypnotic", _("Sedative/hypnotic")
    DISSOCIATIVE = "dissociative", _("Dissociative")
    OTHER = "other", _("Other")


class CaseKind(models.TextChoices):
    POST_MORTEM = "post_mortem", _("Post-mortem")
    DRIVING = "driving", _("Driving under the influence")
    CLINICAL = "clinical", _("Clinical")


class Outcome(models.TextChoices):
    FATAL = "fatal", _("Fatal")
    HOSPITALISED = "hospitalised", _("Hospitalised")
    RECOVERED = "recovered", _("Recovered")
    UNKNOWN = "unknown", _("Unknown")


class Matrix(models.TextChoices):
    BLOOD = "blood", _("Blood")
    URINE = "urine", _("Urine")
    VITREOUS = "vitreous", _("Vitreous humour")
    HAIR = "hair", _("Hair")
    ORAL_FLUID = "oral_fluid", _("Oral fluid")
    OTHER = "other", _("Other")


class ConcentrationUnit(models.TextChoices):
    NG_ML = "ng_ml", "ng/mL"
    UG_ML = "ug_ml", "µg/mL"
    MG_L = "mg_l", "mg/L"
    NG_MG = "ng_mg", "ng/mg"
    PG_MG = "pg_mg", "pg/mg"
