"""Demo data, invented: a completed review cycle (2019-2023) answered by 40 countries' focal
points and published by the secretariat, and one in progress (2024-2028) with a draft, a
submitted and a returned response. The answers are invented; the evidence beside them is
computed from the other modules' demo data. Idempotent."""

import datetime
import zlib

from django.utils import timezone

from drugcontrol.core.demo import demo_account
from drugcontrol.core.models import OrganisationKind, Role, User
from drugcontrol.review import services
from drugcontrol.review.models import Cycle, Paragraph

PARAGRAPHS = ("14", "A.9", "A.11", "A.13", "A.14", "B.16", "B.19", "B.20", "B.21", "B.31")
PARAGRAPHS += ("C.41", "C.44")
COUNTRIES = (
    "USA", "CAN", "DEU", "AUT", "CHE", "GBR", "FRA", "NLD", "BEL", "DNK", "AUS", "NZL",
    "ESP", "ITA", "JPN", "KOR", "CHN", "IND", "RUS", "BRA", "MEX", "ARG", "CHL", "COL",
    "PER", "ZAF", "EGY", "MAR", "NGA", "KEN", "ETH", "UGA", "TZA", "PAK", "BGD", "IDN",
    "VNM", "THA", "PHL", "TUR",
)  # fmt: skip
RATINGS = ("yes", "yes", "partly", "partly", "partly", "no", "na")
NARRATIVES = {
    "yes": "The national strategy carries this commitment; figures are reported each year.",
    "partly": "Measures are in place in some regions; coverage is being extended.",
    "no": "Not yet in place; a proposal is before the government.",
    "na": "Does not apply to the country's situation.",
}


def _focal_point(country: str) -> User:
    return demo_account(
        username=f"demo_{country.lower()}_review",
        kind=OrganisationKind.COMPETENT_AUTHORITY,
        country=country,
        organisation_name=f"{country} National Drug Control Commission (demo)",
        role=Role.FOCAL_POINT,
    )


def _cycle(secretariat, code, first, last, deadline, name_en, name_zh) -> Cycle:
    texts = dict(Paragraph.objects.filter(key__in=PARAGRAPHS).values_list("key", "text_en"))
    return services.cycle_create(
        actor=secretariat,
        data={
            "code": code,
            "name_en": name_en,
            "name_zh": name_zh,
            "first_year": first,
            "last_year": last,
            "deadline": deadline.isoformat(),
            "paragraphs": list(PARAGRAPHS),
            "items": [
                {
                    "paragraph": key,
                    "question_en": (
                        f"How far has your country implemented paragraph {key}? "
                        f"({texts[key].split(';')[0][:300]})"
                    ),
                    "question_zh": f"贵国在多大程度上落实了第 {key} 段？",
                }
                for key in PARAGRAPHS
            ],
        },
    )


def _answer(actor, cycle, country: str):
    answers = []
    for item in cycle.items.all():
        pick = zlib.crc32(f"{cycle.code}{country}{item.paragraph_id}".encode())
        rating = RATINGS[pick % len(RATINGS)]
        answers.append({"item": item.pk, "rating": rating, "narrative": NARRATIVES[rating]})
    return services.answers_save(actor=actor, cycle=cycle, country=country, answers=answers)


def load(result) -> None:
    secretariat = User.objects.filter(username="intl_admin", is_active=True).first()
    if secretariat is None or Cycle.objects.filter(code="demo-2019-2023").exists():
        return
    services.statement_load()
    this_year = timezone.localdate().year
    done = _cycle(
        secretariat,
        "demo-2019-2023",
        2019,
        2023,
        datetime.date(2024, 6, 30),
        "Review of implementation 2019-2023 (demo)",
        "2019-2023 年执行情况审议（演示）",
    )
    for country in COUNTRIES:
        focal = _focal_point(country)
        response = _answer(focal, done, country)
        response = services.response_act(actor=focal, response=response, action="submit")
        for step in ("accept", "publish"):
            response = services.response_act(actor=secretariat, response=response, action=step)
        result.created += 1
    current = _cycle(
        secretariat,
        "demo-2024-2028",
        2024,
        2028,
        datetime.date(this_year + 1, 6, 30),
        "Review of implementation 2024-2028 (demo)",
        "2024-2028 年执行情况审议（演示）",
    )
    for country, stage in (("CHN", "draft"), ("DEU", "submitted"), ("MEX", "returned")):
        focal = _focal_point(country)
        response = _answer(focal, current, country)
        if stage != "draft":
            response = services.response_act(actor=focal, response=response, action="submit")
        if stage == "returned":
            services.response_act(
                actor=secretariat,
                response=response,
                action="return",
                comment="Please add the source of the treatment figures (demo).",
            )
        result.created += 1
