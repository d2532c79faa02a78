"""The review's pages: the statement with each paragraph's evidence beside it (the world,
or a country the reader chooses), a paragraph with its evidence over the years as charts
and CSV, the review cycles, and a country's answers to a cycle's questionnaire with their
approval."""

import csv

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as PageDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from drugcontrol.core import selectors as core_selectors
from drugcontrol.core.charts import line_chart
from drugcontrol.core.errors import Conflict, PermissionDenied, ValidationFailed
from drugcontrol.core.permissions import can, require_page
from drugcontrol.review import evidence, pdf, reports, selectors, services
from drugcontrol.review.models import Kind, Rating, Response, Section

NAV = "review"


class PlaceForm(forms.Form):
    """The country whose evidence a page shows (empty: the world), among the countries."""

    country = forms.ChoiceField(required=False)

    def __init__(self, *args, countries=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["country"].choices = [("", ""), *((c.iso3, c.name) for c in countries)]

    def chosen(self) -> str | None:
        return (self.cleaned_data.get("country") or None) if self.is_valid() else None


def _place(request):
    countries = list(core_selectors.country_list(user=request.user))
    form = PlaceForm(request.GET, countries=countries)
    code = form.chosen()
    return code, {c.iso3: c for c in countries}.get(code), countries


def _evidence_for(user, keys, country, years) -> dict[str, evidence.Series]:
    return {key: evidence.series(user, key, country=country, years=years) for key in keys}


@login_required
def statement(request):
    require_page(request.user, "review.report_read")
    code, country, countries = _place(request)
    paragraphs = list(selectors.paragraph_list(request.user))
    keys = sorted({key for p in paragraphs for key in p.evidence})
    found = _evidence_for(request.user, keys, code, evidence.default_years())
    sections = []
    for section in Section:
        members = [p for p in paragraphs if p.section == section.value]
        groups = [
            (kind.label, [(p, [found[k] for k in p.evidence]) for p in members if p.kind == kind])
            for kind in Kind
        ]
        sections.append((section, [group for group in groups if group[1]]))
    context = {
        "sections": sections,
        "country": country,
        "countries": countries,
        "active_nav": NAV,
    }
    return render(request, "review/statement.html", context)


@login_required
def paragraph(request, key: str):
    require_page(request.user, "review.report_read")
    found = selectors.paragraph_get(request.user, key)
    code, country, countries = _place(request)
    series = list(
        _evidence_for(request.user, found.evidence, code, evidence.default_years()).values()
    )
    if request.GET.get("format") == "csv":
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="evidence-{found.key}.csv"'
        writer = csv.writer(response)
        writer.writerow(["paragraph", "evidence", "country", "year", "value"])
        for one in series:
            for year, value in one.points:
                writer.writerow([found.key, one.key, code or "world", year, f"{value:.4g}"])
        return response
    charts = [
        (one, line_chart([(one.key, one.label, one.points)], title=one.label, unit=one.unit))
        for one in series
    ]
    context = {
        "paragraph": found,
        "charts": charts,
        "country": country,
        "countries": countries,
        "active_nav": NAV,
    }
    return render(request, "review/paragraph.html", context)


@login_required
def cycles(request):
    require_page(request.user, "review.report_read")
    found = list(selectors.cycle_list(request.user))
    own = {}
    if request.user.country_id:
        own = {
            r.cycle_id: r
            for r in selectors.response_list(request.user, country=request.user.country_id)
        }
    context = {"cycles": [(cycle, own.get(cycle.pk)) for cycle in found], "active_nav": NAV}
    return render(request, "review/cycles.html", context)


@login_required
def cycle(request, code: str):
    require_page(request.user, "review.report_read")
    found = selectors.cycle_get(request.user, code)
    responses = list(selectors.response_list(request.user, cycle=found.code))
    context = {
        "cycle": found,
        "items": list(selectors.items_of(request.user, found)),
        "responses": responses,
        "may_answer": can(request.user, "review.response_submit") and bool(request.user.country_id),
        "active_nav": NAV,
    }
    return render(request, "review/cycle.html", context)


def _answers_from(post, items) -> list[dict]:
    return [
        {
            "item": item.pk,
            "rating": post.get(f"rating-{item.pk}", ""),
            "narrative": post.get(f"narrative-{item.pk}", ""),
            "links": post.get(f"links-{item.pk}", ""),
        }
        for item in items
    ]


@login_required
def response(request, code: str, iso3: str):
    """A country's answers: the focal point fills them in and moves them on; the
    secretariat accepts, returns and publishes; others read them once published."""
    user = request.user
    require_page(user, "review.report_read")
    found_cycle = selectors.cycle_get(user, code)
    items = list(selectors.items_of(user, found_cycle))
    found = selectors.response_list(user, cycle=found_cycle.code, country=iso3).first()
    country = core_selectors.country_list(user=user).filter(iso3=iso3.upper()).first()
    if country is None:
        raise Http404
    if found is None:
        # Not started: only the country's own users find the empty form.
        if user.country_id != country.iso3:
            raise Http404
        found = Response(cycle=found_cycle, country=country)
    problems: dict = {}
    if request.method == "POST" and _version(request.POST) is False:
        problems = {"version": [_("Reload the page: its version is not a whole number.")]}
    elif request.method == "POST":
        step = request.POST.get("step", "")
        try:
            if step == "save":
                found = services.answers_save(
                    actor=user,
                    cycle=found_cycle,
                    country=country.iso3,
                    answers=_answers_from(request.POST, items),
                    expected_version=_version(request.POST) if found.pk else None,
                )
                messages.success(request, _("The answers were saved."))
            else:
                if not found.pk:
                    raise Http404
                services.response_act(
                    actor=user,
                    response=found,
                    action=step,
                    comment=request.POST.get("comment", ""),
                    expected_version=_version(request.POST),
                )
                messages.success(request, _("Done."))
        except PermissionDenied as error:
            raise PageDenied(error.message) from None
        except (ValidationFailed, Conflict) as error:
            problems = error.field_errors()
        else:
            return redirect("review:response", code=found_cycle.code, iso3=country.iso3.lower())
    answers = {a.item_id: a for a in selectors.answers_of(user, found)} if found.pk else {}
    editable = found.status in services.EDITABLE and can(user, "review.response_submit", found)
    context = {
        "cycle": found_cycle,
        "response": found,
        "country": country,
        "rows": [(item, answers.get(item.pk)) for item in items],
        "ratings": Rating.choices,
        "editable": editable and found_cycle.status == "open",
        "steps": services.APPROVAL.offered(user, found) if found.pk else [],
        "problems": problems,
        "active_nav": NAV,
    }
    return render(request, "review/response.html", context, status=400 if problems else 200)


def _version(post) -> int | bool | None:
    """The posted version; None when absent; False when it is not a whole number."""
    value = post.get("version", "")
    if value == "":
        return None
    return int(value) if value.isdigit() and len(value) < 10 else False


@login_required
def report(request, code: str, scope: str):
    """A cycle's report for a country or the world: the page, or `?format=pdf`."""
    require_page(request.user, "review.report_read")
    found_cycle = selectors.cycle_get(request.user, code)
    country = reports.scope_country(request.user, scope)
    built = reports.build(request.user, found_cycle, country)
    annex = reports.annex(request.user, found_cycle) if country is None else []
    if request.GET.get("format") == "pdf":
        response = HttpResponse(pdf.render(built, annex=annex), content_type="application/pdf")
        name = f"review-{found_cycle.code}-{scope.lower()}.pdf"
        response["Content-Disposition"] = f'inline; filename="{name}"'
        return response
    sections = [
        (
            section,
            [
                (
                    kind,
                    [
                        (
                            row,
                            [
                                (
                                    one,
                                    line_chart(
                                        [(one.key, one.label, one.points)],
                                        title=one.label,
                                        unit=one.unit,
                                    )
                                    if one.values
                                    else "",
                                )
                                for one in row.figures
                            ],
                        )
                        for row in rows
                    ],
                )
                for kind, rows in groups
            ],
        )
        for section, groups in built.sections
    ]
    keys = [p.key for p in found_cycle.paragraphs.order_by("order")]
    context = {
        "report": built,
        "sections": sections,
        "annex": [(name, [ratings.get(key, "—") for key in keys]) for name, ratings in annex],
        "keys": keys,
        "ratings": Rating.choices,
        "scope": scope.lower(),
        "active_nav": NAV,
    }
    return render(request, "review/report.html", context)


class CompareForm(forms.Form):
    """Two cycles and a country (empty: the world), chosen from lists."""

    first = forms.ChoiceField()
    second = forms.ChoiceField()
    country = forms.ChoiceField(required=False)

    def __init__(self, *args, cycles=(), countries=(), **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(c.code, c.name) for c in cycles]
        self.fields["first"].choices = self.fields["second"].choices = choices
        self.fields["country"].choices = [("", ""), *((c.iso3, c.name) for c in countries)]


@login_required
def compare(request):
    """What changed between two cycles, for the world or a country."""
    require_page(request.user, "review.report_read")
    cycles = list(selectors.cycle_list(request.user).order_by("first_year", "code"))
    countries = list(core_selectors.country_list(user=request.user))
    form = CompareForm(request.GET or None, cycles=cycles, countries=countries)
    changes, first, second, country = [], None, None, None
    if form.is_valid():
        first = selectors.cycle_get(request.user, form.cleaned_data["first"])
        second = selectors.cycle_get(request.user, form.cleaned_data["second"])
        code = form.cleaned_data.get("country") or ""
        country = reports.scope_country(request.user, code) if code else None
        changes = reports.compare(request.user, first, second, country)
    context = {
        "form": form,
        "cycles": cycles,
        "countries": countries,
        "changes": changes,
        "first": first,
        "second": second,
        "country": country,
        "ratings": Rating.choices,
        "active_nav": NAV,
    }
    return render(request, "review/compare.html", context, status=400 if form.errors else 200)
