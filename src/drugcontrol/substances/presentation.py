"""How substances and identification results are shown: family names, drawings, reasons."""

import base64

from django.utils.translation import get_language
from django.utils.translation import gettext as _

from drugcontrol.substances import chemistry
from drugcontrol.substances.reference_rules import load_families

_families = {}


def families_by_code() -> dict:
    if not _families:
        _families.update({family.code: family for family in load_families()})
    return _families


def family_label(code: str) -> str:
    family = families_by_code().get(code)
    if family is None:
        return code
    return family.name_zh if (get_language() or "").startswith("zh") else family.name_en


def family_explanation(code: str) -> str:
    family = families_by_code().get(code)
    if family is None:
        return ""
    zh = (get_language() or "").startswith("zh")
    return family.explanation_zh if zh else family.explanation_en


def drawing(smiles: str, *, width=300, height=220, highlight=None) -> str:
    """A structure drawing as a data URI (images are not subject to the page's style policy)."""
    svg = chemistry.draw_svg(smiles, width=width, height=height, highlight_smarts=highlight)
    if not svg:
        return ""
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()


INSTRUMENT_NAMES = {
    "1961": lambda: _("the Single Convention on Narcotic Drugs, 1961"),
    "1971": lambda: _("the Convention on Psychotropic Substances, 1971"),
    "1988": lambda: _("the 1988 Convention against Illicit Traffic"),
}


def explain(match: dict) -> str:
    """One sentence saying why a match makes the query controlled."""
    values = {
        "substance": display_name(match),
        "schedules": ", ".join(schedule_label(s) for s in match["schedules"]),
        "instrument": INSTRUMENT_NAMES.get(match["instrument"], lambda: match["instrument"])(),
    }
    sentences = {
        "exact": _("It is %(substance)s, listed in %(schedules)s of %(instrument)s."),
        "salt": _(
            "It is a salt of %(substance)s (listed in %(schedules)s of %(instrument)s); "
            "the convention covers the salts of listed substances."
        ),
        "stereoisomer": _(
            "It is a stereoisomer of %(substance)s (listed in %(schedules)s of %(instrument)s), "
            "and the listing extends to its stereoisomers."
        ),
        "racemate": _(
            "It is %(substance)s without defined stereochemistry (a racemate or an unspecified "
            "isomer), covered by the listing in %(schedules)s of %(instrument)s."
        ),
        "ester_or_ether": _(
            "It is an ester or ether of %(substance)s; Schedule I of %(instrument)s covers the "
            "esters and ethers of its substances unless they are listed elsewhere."
        ),
        "stereo_unspecified": _(
            "It may be %(substance)s (listed in %(schedules)s of %(instrument)s): the listing "
            "covers only the configuration drawn for it, and the structure given does not "
            "specify its stereochemistry. Establish the configuration (for example by chiral "
            "chromatography or optical rotation) before concluding."
        ),
        "isotopic_variant": _(
            "It is %(substance)s labelled with isotopes (for example a deuterated reference "
            "standard); the label does not change the substance listed in %(schedules)s of "
            "%(instrument)s."
        ),
        "listed_group": _(
            "It belongs to the group entry %(substance)s in %(schedules)s of %(instrument)s, "
            "which names a class of compounds rather than one structure."
        ),
    }
    sentence = sentences.get(match["basis"], "%(substance)s") % values
    if "component" in match and match["component"] is not None:
        sentence = _("Component %(number)s: %(sentence)s") % {
            "number": match["component"] + 1,
            "sentence": sentence,
        }
    return sentence


def status_label(status: str) -> str:
    labels = {
        "controlled": _("Under international control"),
        "possibly_controlled": _("Possibly under international control"),
        "not_controlled": _("Not under international control"),
    }
    return labels.get(status, status)


def verdict(result: dict, national_lists: list[str]) -> dict:
    """The headline of an identification for an officer: its tone, title and advice.

    A structure that no listing covers but that resembles a controlled substance is never
    shown as all-clear: analogue and generic legislation in many countries reaches it.
    """
    status = result["status"]
    if status == "controlled":
        return {"tone": "controlled", "title": _("Under international control"), "advice": ""}
    if status == "possibly_controlled":
        return {
            "tone": "possibly-controlled",
            "title": _("Possibly under international control"),
            "advice": _(
                "The structure does not specify the stereochemistry that a listing fixes: it "
                "may be one of the listed isomers below. Treat it as controlled until its "
                "configuration is established."
            ),
        }
    national = national_line(result, national_lists)
    nearest = result["analogues"][0] if result["analogues"] else None
    if nearest is not None or result["families"]:
        family_code = (nearest or {}).get("family") or (result["families"] or [None])[0]
        if nearest is not None and family_code:
            advice = _(
                "Close to %(substance)s (family %(family)s): may be controlled under national "
                "analogue or generic legislation."
            ) % {"substance": display_name(nearest), "family": family_label(family_code)}
        elif nearest is not None:
            advice = _(
                "Close to %(substance)s: may be controlled under national analogue or generic "
                "legislation."
            ) % {"substance": display_name(nearest)}
        else:
            advice = _(
                "A member of the family %(family)s: may be controlled under national analogue "
                "or generic legislation."
            ) % {"family": family_label(family_code)}
        return {
            "tone": "analogue",
            "title": _("Not listed internationally"),
            "advice": " ".join(part for part in (advice, national) if part),
        }
    return {
        # A national listing is not all-clear either.
        "tone": "analogue" if result.get("national") else "not-controlled",
        "title": _("Not under international control"),
        "advice": national,
    }


def national_line(result: dict, national_lists: list[str]) -> str:
    """What the national lists loaded say: where the structure is listed, or that it is on
    none of them."""
    listed = result.get("national") or []
    if listed:
        return _("Listed nationally: %(listings)s.") % {
            "listings": "; ".join(
                f"{match['country']} ({', '.join(schedule_label(s) for s in match['schedules'])})"
                for match in listed
            )
        }
    if not national_lists:
        return ""
    return _("Not on the national lists loaded (%(countries)s).") % {
        "countries": ", ".join(national_lists)
    }


def display_name(item: dict) -> str:
    """The substance's name in the page's language (the JSON always carries the English)."""
    if (get_language() or "").startswith("zh") and item.get("substance_zh"):
        return item["substance_zh"]
    return item["substance"]


_CHINESE_NUMERALS = {"I": "一", "II": "二", "III": "三", "IV": "四"}


def schedule_label(schedule: str) -> str:
    """`I` -> "Schedule I" / "附表一"; `Table II` -> "Table II" / "表二"; others unchanged."""
    zh = (get_language() or "").startswith("zh")
    if schedule in _CHINESE_NUMERALS:
        number = _CHINESE_NUMERALS[schedule] if zh else schedule
        return _("Schedule %(number)s") % {"number": number}
    if schedule.startswith("Table ") and schedule[6:] in _CHINESE_NUMERALS:
        number = _CHINESE_NUMERALS[schedule[6:]] if zh else schedule[6:]
        return _("Table %(number)s") % {"number": number}
    return schedule
