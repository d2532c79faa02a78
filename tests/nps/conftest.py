import datetime

import pytest
from django.utils import timezone

# An unlisted analogue of fentanyl invented for the tests: cycloheptanecarbonyl in place of
# propionyl (no convention lists it).
INVENTED_FENTANYL = "O=C(C1CCCCCC1)N(c1ccccc1)C1CCN(CCc2ccccc2)CC1"
MEPHEDRONE = "CNC(C)C(=O)c1ccc(C)cc1"


@pytest.fixture
def chn_lab(make_user):
    return make_user(country="CHN", kind="forensic_lab", role="officer")


@pytest.fixture
def deu_lab(make_user):
    return make_user(country="DEU", kind="forensic_lab", role="officer")


@pytest.fixture
def chn_police(make_user):
    return make_user(country="CHN", kind="law_enforcement", role="officer")


@pytest.fixture
def intl_officer(make_user):
    return make_user(kind="international", role="officer")


def report_raw(**overrides) -> dict:
    raw = {
        "sample_kind": "seized_material",
        "form": "powder",
        "sampled_on": (timezone.localdate() - datetime.timedelta(days=3)).isoformat(),
        "place": "Guangzhou",
        "structure": INVENTED_FENTANYL,
        "reported_name": "cycloheptyl fentanyl",
        "purity": "42.5",
        "techniques": ["gc_ms", "nmr"],
    }
    raw.update(overrides)
    return raw


def case_raw(substance="Mephedrone", **overrides) -> dict:
    raw = {
        "kind": "post_mortem",
        "occurred_on": (timezone.localdate() - datetime.timedelta(days=10)).isoformat(),
        "outcome": "fatal",
        "findings": [
            {"substance": substance, "concentration": "12.5", "unit": "ng_ml", "matrix": "blood"}
        ],
    }
    raw.update(overrides)
    return raw
