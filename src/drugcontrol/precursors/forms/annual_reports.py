"""The Form D pages' forms: the year a draft is generated for, the entries of each section as
a formset of rows (substances, chemicals and countries chosen from lists), and the steps of
the report's page."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from drugcontrol.core.forms import (
    FixedRowsFormSet,
    MarkedForm,
    RecordIdField,
    VersionField,
    WholeNumberField,
    focus_first_error,
)
from drugcontrol.precursors import form_d
from drugcontrol.precursors.forms.base import ServiceForm
from drugcontrol.precursors.models import (
    FIRST_REPORT_YEAR,
    FormDUnit,
    StopReason,
    TradeDirection,
)

EXTRA_ROWS = 2  # blank rows offered below each section's entries
MAX_FORM_ROWS = 500  # rows of one section a page posts
# The service's names for a row's fields, where the form's differ.
SERVICE_NAMES = {"substance": "substance_id", "surveillance_chemical": "surveillance_chemical_id"}


class ReportGenerateForm(MarkedForm):
    """The calendar year a draft is generated for (up to the current one)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        this_year = timezone.localdate().year
        self.fields["year"] = WholeNumberField(
            label=_("Year"), min_value=FIRST_REPORT_YEAR, max_value=this_year, initial=this_year - 1
        )


def _choices(items) -> list:
    return [("", "—"), *items]


class ReportRowForm(ServiceForm):
    """One entry of one section; the fields a section does not use are left out."""

    id = RecordIdField(required=False)
    remove = forms.BooleanField(label=_("Remove"), required=False)
    substance = forms.TypedChoiceField(
        label=_("Substance"), choices=(), coerce=int, empty_value=None, required=False
    )
    chemical_name = forms.CharField(label=_("Chemical name"), max_length=300, required=False)
    surveillance_chemical = forms.TypedChoiceField(
        label=_("On the special surveillance list as"),
        choices=(),
        coerce=int,
        empty_value=None,
        required=False,
    )
    is_preparation = forms.BooleanField(label=_("Preparations"), required=False)
    quantity = forms.CharField(label=_("Quantity"), max_length=40, required=False)
    unit = forms.ChoiceField(label=_("Unit"), choices=_choices(FormDUnit.choices), required=False)
    count = WholeNumberField(label=_("Number"), min_value=0, max_value=1_000_000, required=False)
    country = forms.ChoiceField(label=_("Country"), choices=(), required=False)
    other_country = forms.ChoiceField(label=_("Importing country"), choices=(), required=False)
    direction = forms.ChoiceField(
        label=_("Import or export"), choices=_choices(TradeDirection.choices), required=False
    )
    reason = forms.ChoiceField(
        label=_("Reason"), choices=_choices(StopReason.choices), required=False
    )
    reference = forms.CharField(label=_("References"), max_length=300, required=False)
    text = forms.CharField(
        label=_("Method"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "cols": 50}),
    )
    remarks = forms.CharField(label=_("Remarks"), max_length=2000, required=False)

    def __init__(self, *args, section, lists, **kwargs):
        super().__init__(*args, **kwargs)
        self.section = section
        columns = form_d.SECTION_COLUMNS[section]
        for name in list(self.fields):
            if name not in ("id", "remove", *columns):
                del self.fields[name]
                continue
            if name in lists and name not in form_d.CHOICES:
                self.fields[name].choices = _choices(lists[name])
            if name in columns:
                self.fields[name].widget.attrs["aria-label"] = form_d.heading(section, name)

    def raw(self) -> dict:
        """The entry as the service reads it (`validate_report_rows`)."""
        data = self.cleaned_data
        raw = {"section": self.section, "id": data.get("id")}
        for name in form_d.SECTION_COLUMNS[self.section]:
            value = data.get(name)
            raw[SERVICE_NAMES.get(name, name)] = value if value != "" else None
        for name in ("chemical_name", "reference", "text", "remarks", "unit", "direction"):
            if name in raw and raw[name] is None:
                raw[name] = ""
        raw["reason"] = raw.get("reason") or ""
        return raw

    def is_blank(self) -> bool:
        data = self.cleaned_data
        return not data.get("id") and not any(
            data.get(name) not in (None, "", False) for name in form_d.SECTION_COLUMNS[self.section]
        )


class ReportRowFormSet(forms.formset_factory(ReportRowForm, formset=FixedRowsFormSet, extra=0)):
    def __init__(self, *args, section, lists, rows: int, **kwargs):
        self.section, self.lists, self.rows = section, lists, rows
        super().__init__(*args, prefix=section, **kwargs)

    def get_form_kwargs(self, index):
        return {"section": self.section, "lists": self.lists, "use_required_attribute": False}

    @property
    def title(self) -> str:
        return form_d.section_title(self.section)

    @property
    def headings(self) -> list[str]:
        return [form_d.heading(self.section, c) for c in form_d.SECTION_COLUMNS[self.section]]


def posted_rows(data, section: str) -> int:
    """How many rows of a section a page posted (its highest row number plus one)."""
    prefix = f"{section}-"
    highest = -1
    for name in data:
        if name.startswith(prefix):
            number = name[len(prefix) :].split("-", 1)[0]
            if number.isdigit() and len(number) < 4:
                highest = max(highest, int(number))
    return min(highest + 1, MAX_FORM_ROWS)


class ReportEditForm(MarkedForm):
    """The report's version, with a formset of rows per section (`sections`)."""

    version = VersionField(label=_("Version"))

    def __init__(self, data=None, *, report=None, lists=None, initial=None):
        super().__init__(data, initial=initial)
        self.report = report
        existing = {section: [] for section in form_d.SECTIONS}
        for row in report.rows.all() if report is not None else ():
            existing.setdefault(row.section, []).append(row)
        self.sections = [
            ReportRowFormSet(
                data,
                section=section,
                lists=lists or {},
                rows=posted_rows(data, section)
                if data is not None
                else len(existing[section]) + EXTRA_ROWS,
                initial=None if data is not None else [row_initial(r) for r in existing[section]],
            )
            for section in form_d.SECTIONS
        ]

    def is_valid(self) -> bool:
        valid = super().is_valid()
        valid = all([formset.is_valid() for formset in self.sections]) and valid
        if not valid:
            self.focus()
        return valid

    def focus(self) -> None:
        focus_first_error(self, *(form for formset in self.sections for form in formset.forms))

    @property
    def has_errors(self) -> bool:
        return bool(self.errors) or any(
            form.errors for formset in self.sections for form in formset.forms
        )

    def entries(self) -> list[tuple[dict, ReportRowForm]]:
        """(the entry for the service, the row's form) for every row kept, in page order."""
        kept = []
        for formset in self.sections:
            for form in formset.forms:
                if form.cleaned_data.get("remove") or form.is_blank():
                    continue
                kept.append((form.raw(), form))
        return kept


def row_initial(row) -> dict:
    values = {"id": row.pk}
    for name in form_d.SECTION_COLUMNS[row.section]:
        attribute = SERVICE_NAMES.get(name, f"{name}_id" if name.endswith("country") else name)
        value = getattr(row, attribute)
        values[name] = "" if value is None else value
    if row.quantity is not None:
        values["quantity"] = format(row.quantity.normalize(), "f")
    return values


class ReportStepForm(MarkedForm):
    """A step of the report's page: its version, and the comment when it is returned."""

    version = VersionField(label=_("Version"))
    restore_removed = forms.BooleanField(
        label=_("Also restore the entries removed by hand"), required=False
    )
    comment = forms.CharField(
        label=_("What should be corrected"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ReportActionChoiceForm(forms.Form):
    action = forms.ChoiceField(
        choices=[(name, name) for name in ("regenerate", "submit", "accept", "return")],
        error_messages={"required": _("Choose a step."), "invalid_choice": _("Choose a step.")},
    )


class ReportExportForm(forms.Form):
    """The export's query string: the file `format` and, optionally, a submitted `version`."""

    format = forms.ChoiceField(choices=[("xlsx", "XLSX"), ("csv", "CSV")], required=False)
    version = WholeNumberField(min_value=1, required=False)
