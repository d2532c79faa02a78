"""Pages of the substance registry: search, substance, identification."""

import datetime

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render
from django.views.decorators.http import require_GET

from drugcontrol.core.suggest import SHORTEST, SUGGESTIONS, typed_text
from drugcontrol.substances import selectors
from drugcontrol.substances.forms import IdentifyForm, SubstanceSearchForm
from drugcontrol.substances.presentation import (
    display_name,
    drawing,
    explain,
    families_by_code,
    family_explanation,
    family_label,
    status_label,
    verdict,
)


@login_required
def substance_list(request):
    form = SubstanceSearchForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    queryset = selectors.substance_list(
        user=request.user,
        search=filters.get("q") or None,
        instrument=filters.get("instrument") or None,
        schedule=filters.get("schedule") or None,
        family=filters.get("family") or None,
    )
    page = Paginator(queryset, 25).get_page(request.GET.get("page"))
    for substance in page:
        substance.drawing = drawing(substance.smiles, width=160, height=110)
    query = request.GET.copy()
    query.pop("page", None)
    context = {"form": form, "page": page, "query": query.urlencode(), "active_nav": "substances"}
    return render(request, "substances/substance_list.html", context)


@login_required
def substance_detail(request, substance_id: int):
    substance = selectors.substance_get(user=request.user, substance_id=substance_id)
    related = selectors.related_substances(user=request.user, substance=substance)
    for item in related:
        item["drawing"] = drawing(item["smiles"], width=180, height=130)
        item["display_name"] = display_name(item)
    context = {
        "substance": substance,
        "drawing": drawing(substance.smiles, width=360, height=260),
        "listings": list(substance.listings.all()),
        "synonyms": [s.name for s in substance.synonyms.all()],
        "families": [(code, family_label(code)) for code in substance.families],
        "related": related,
        "active_nav": "substances",
    }
    return render(request, "substances/substance_detail.html", context)


@login_required
def identify(request):
    form = IdentifyForm(request.POST or None)
    result = None
    if request.method == "POST" and form.is_valid():
        structure = form.cleaned_data["structure"]
        day = form.cleaned_data.get("on")
        if structure.strip():
            if "M  END" in structure:
                result = selectors.identify(molblock=structure, on=day)
            elif structure.strip().startswith("InChI="):
                result = selectors.identify(inchi=structure, on=day)
            else:
                result = selectors.identify(smiles=structure, on=day)
        else:
            result = selectors.identify(name=form.cleaned_data["name"].strip(), on=day)
        for error in result["errors"]:
            form.add_error(None, error)
        if "parent_smiles" in result["query"]:
            highlight = [
                pattern
                for code in result["families"]
                for pattern in families_by_code()[code].patterns
            ]
            result["drawing"] = drawing(result["query"]["parent_smiles"], highlight=highlight)
        # Beside a possible match, the isomer the listing fixes, to compare with the sample.
        result["explanations"] = [
            (
                explain(match),
                match["substance_id"],
                drawing(match.get("smiles", ""), width=200, height=150)
                if match["basis"] == "stereo_unspecified"
                else "",
            )
            for match in result["matches"]
        ]
        result["verdict"] = verdict(result, selectors.national_lists())
        result["on_date"] = datetime.date.fromisoformat(result["on"])
        for component in result.get("components", []):
            component["drawing"] = drawing(component["parent_smiles"], width=200, height=150)
            component["status_label"] = status_label(component["status"])
        result["family_items"] = [
            (code, family_label(code), family_explanation(code)) for code in result["families"]
        ]
        for analogue in result["analogues"]:
            analogue["drawing"] = drawing(analogue["smiles"], width=200, height=150)
            analogue["display_name"] = display_name(analogue)
            analogue["family_label"] = (
                family_label(analogue["family"]) if analogue["family"] else ""
            )
    context = {"form": form, "result": result, "active_nav": "substances"}
    return render(request, "substances/identify.html", context)


@require_GET
@login_required
def suggest(request):
    """`<option>`s for a substance field's datalist as the reader types (`q`, or the
    field's own name): registry substances by name or synonym in either language, first
    letters included, or by CAS number. The value is the name in the reader's language."""
    text = typed_text(request, "substance")
    options = []
    if len(text) >= SHORTEST:
        found = selectors.substance_suggestions(user=request.user, text=text, limit=SUGGESTIONS)
        for substance in found:
            other = substance.name_en if substance.name != substance.name_en else substance.name_zh
            label = " · ".join(part for part in (substance.name, other, substance.cas) if part)
            options.append({"value": substance.name, "label": label})
    return render(request, "core/_suggestions.html", {"options": options})
