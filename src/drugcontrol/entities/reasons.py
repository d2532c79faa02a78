"""Why two parties were correlated: stable codes stored with each correlation, shown in the
reader's language."""

from django.utils.translation import gettext_lazy as _

REASONS = {
    "name_reordered": _("names agree with the word order ignored"),
    "name_spelling": _("names agree in spelling"),
    "name_words": _("names share their distinctive words"),
    "middle_name_ignored": _("names agree with a middle name missing on one side"),
    "script_bridged": _("Chinese characters compared through their pinyin"),
    "legal_forms_ignored": _("legal forms (Co., Ltd., GmbH, 有限公司 ...) set aside"),
    "same_country": _("same country"),
    "same_phone": _("same phone number"),
    "same_email": _("same e-mail address"),
    "same_website": _("same website"),
    "same_bank_account": _("same bank account"),
    "same_registration": _("same registration number"),
    "same_imo": _("same IMO number"),
    "same_other": _("same identifier"),
}


def reason_label(code: str) -> str:
    return str(REASONS.get(code, code))
