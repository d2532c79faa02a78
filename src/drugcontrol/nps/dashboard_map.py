"""The dashboard's world map of reporting countries (core.maps.choropleth), each reporting
country filled by how many register substances it reported (five classes)."""

from django.utils.translation import ngettext

from drugcontrol.core.maps import BLUES, choropleth

# 1, 2-3, 4-7, 8-15, 16 or more substances, darkest first.
CLASSES = tuple(zip((16, 8, 4, 2, 1), BLUES, strict=True))


def reporting_map(counts: dict[str, int], *, names: dict[str, str], label: str) -> str:
    """`counts` is {ISO3: register substances reported}, `names` {ISO3: the country's name in
    the reader's language}."""

    def tooltip(code: str, count: int) -> str:
        return ngettext(
            "%(country)s: %(count)s substance reported",
            "%(country)s: %(count)s substances reported",
            count,
        ) % {"country": names.get(code) or code, "count": count}

    return choropleth(
        counts, label=label, tooltip=tooltip, classes=list(CLASSES), css_class="reporting-map"
    )
