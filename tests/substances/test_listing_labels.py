from types import SimpleNamespace

from django.utils import translation

from drugcontrol.substances.templatetags.substance_labels import listing_badge, schedule


def test_listing_badges_are_labels_not_stored_codes():
    international = SimpleNamespace(country_id=None, instrument="1961", schedule="I")
    national = SimpleNamespace(country_id="CHN", instrument="national", schedule="Table II")
    with translation.override("en"):
        assert listing_badge(international) == "1961 Convention Schedule I"
        assert listing_badge(national) == "CHN Table II"
    with translation.override("zh-hans"):
        assert schedule("I") == "附表一" and schedule("Table II") == "表二"
        assert "Schedule" not in listing_badge(international)
