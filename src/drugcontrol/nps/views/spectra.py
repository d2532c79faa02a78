"""Pages of the spectral library: the list, one spectrum (a stick plot), the search, and
the import with its progress."""

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from drugcontrol.core.charts import stick_plot
from drugcontrol.core.errors import ServiceError, ValidationFailed
from drugcontrol.core.forms import MarkedForm, WholeNumberField, add_service_error
from drugcontrol.core.import_views import import_job_page, import_upload_page
from drugcontrol.core.permissions import can, require_page
from drugcontrol.core.tabular import FILE, MAX_BYTES, decode_text
from drugcontrol.nps.services.spectra import IMPORT_KIND
from drugcontrol.nps.spectra import selectors
from drugcontrol.nps.spectra.msp import MAX_SPECTRA, parse_msp, parse_peak_text

READ = "nps.spectrum_read"
IMPORT = "nps.spectrum_import"
NAV = "spectra"


class SpectrumSearchForm(MarkedForm):
    file = forms.FileField(
        label=_("MSP file"), required=False, help_text=_("A file of one spectrum.")
    )
    peaks = forms.CharField(
        label=_("Or paste the peaks"),
        required=False,
        max_length=200_000,
        widget=forms.Textarea(attrs={"rows": 8, "placeholder": "41 100\n43 55\n58 999"}),
        help_text=_("One or several m/z intensity pairs a line, or a whole MSP spectrum."),
    )
    limit = WholeNumberField(label=_("Hits"), min_value=1, max_value=100, initial=10)
    min_matched_peaks = WholeNumberField(
        label=_("At least this many peaks in common"), min_value=0, max_value=1000, initial=0
    )

    def query(self):
        """The spectrum to search (ParsedSpectrum), or ValidationFailed naming the field."""
        upload, text = self.cleaned_data.get("file"), self.cleaned_data.get("peaks") or ""
        if (upload is None) == (not text.strip()):
            raise ValidationFailed({"__all__": [_("Upload an MSP file or paste peaks.")]})
        if upload is None:
            try:
                return parse_peak_text(text, name=str(_("Pasted spectrum")))
            except ValidationFailed as error:
                raise ValidationFailed({"peaks": _lines(error)}) from None
        if upload.size > MAX_BYTES:
            raise ValidationFailed({"file": [_("The file is larger than 10 MB.")]})
        try:
            spectra = parse_msp(decode_text(upload.read()))
        except ValidationFailed as error:
            raise ValidationFailed({"file": _lines(error)}) from None
        if len(spectra) != 1:
            raise ValidationFailed({"file": [_("Give one spectrum to search.")]})
        return spectra[0]


def _lines(error: ValidationFailed) -> list[str]:
    """A reader's report as messages for one form field: "line 12: peaks: ..."."""
    return [
        f"{where}: {message}" if where not in ("", FILE, "__all__") else message
        for where, messages in error.field_errors().items()
        for message in messages
    ]


@login_required
def spectra_list(request):
    require_page(request.user, READ)
    search = (request.GET.get("q") or "").strip()[:100]
    queryset = selectors.spectrum_list(user=request.user, search=search or None)
    page = Paginator(queryset, 25).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "q": search,
        "query": f"q={search}" if search else "",
        "may_import": can(request.user, IMPORT),
        "active_nav": NAV,
    }
    return render(request, "nps/spectra_list.html", context)


@login_required
def spectra_detail(request, spectrum_id: int):
    spectrum = selectors.spectrum_get(user=request.user, spectrum_id=spectrum_id)
    context = {
        "spectrum": spectrum,
        "status": spectrum.control_status,
        "plot": stick_plot(
            spectrum.peaks, title=str(_("Mass spectrum (relative intensity by m/z)"))
        ),
        "peaks": sorted(spectrum.peaks),
        "active_nav": NAV,
    }
    return render(request, "nps/spectra_detail.html", context)


@login_required
def spectra_search(request):
    require_page(request.user, READ)
    posted = request.method == "POST"
    form = SpectrumSearchForm(request.POST if posted else None, request.FILES if posted else None)
    query, hits = None, None
    if posted and form.is_valid():
        try:
            query = form.query()
            hits = selectors.search_library(
                user=request.user,
                peaks=query.peaks,
                limit=form.cleaned_data["limit"],
                min_matched_peaks=form.cleaned_data["min_matched_peaks"],
            )
        except ServiceError as error:
            add_service_error(form, error)
            query = None
    context = {
        "form": form,
        "query": query,
        "plot": stick_plot(query.peaks, title=str(_("The spectrum searched"))) if query else "",
        "hits": hits,
        "active_nav": NAV,
    }
    return render(request, "nps/spectra_search.html", context, status=422 if form.errors else 200)


@login_required
def spectra_import(request):
    """Upload: the file is imported in the background and its page shows the progress."""
    return import_upload_page(
        request,
        kind=IMPORT_KIND,
        template="nps/spectra_import.html",
        permission=IMPORT,
        nav=NAV,
        job_url="nps:spectra_import_job",
        context={"max_spectra": MAX_SPECTRA},
    )


@login_required
def spectra_import_job(request, job_id: int):
    return import_job_page(
        request,
        job_id=job_id,
        kind=IMPORT_KIND,
        template="nps/spectra_import_job.html",
        nav=NAV,
    )
