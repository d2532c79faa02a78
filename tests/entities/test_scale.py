"""What changes at a million parties: the right party must not be ranked out of the
candidates by parties sharing more (common) keys, and names one or two letters from another
party's, which meet more often in a large index, must not reach the threshold on the
spelling skeleton or on pinyin that reads as other characters."""

import pytest

from drugcontrol.entities import matching
from drugcontrol.entities.matching import DEFAULT_THRESHOLD, Query
from drugcontrol.entities.normalize import normalize_name


def score(one, other, kind="company"):
    a, b = normalize_name(one, kind=kind), normalize_name(other, kind=kind)
    # Every token unknown to the index (the rarest).
    return matching.score_names(a, b, kind=kind, rarity={})[0]


@pytest.mark.django_db
def test_the_whole_normalised_name_is_ranked_first(make_party):
    # Parties in pinyin that share the query's words (and each word's one-letter deletions)
    # share more keys with it than the party in characters whose whole name it is.
    for industry in ("Trading", "Chemical", "Logistics", "Pharmaceutical", "Technology"):
        make_party(f"Xianggang Shunyi {industry} Co., Ltd.")
        make_party(f"Hongkong Shunyi {industry} Holdings Limited")
    right = make_party("香港顺义实业有限公司")
    query = matching.vocabulary_variants(
        Query.build(kind="company", names=["Hongkong Shunyi Industrial"])
    )
    assert right.pk in matching.top_candidates(query, limit=3)


@pytest.mark.parametrize(
    ("one", "other", "kind"),
    [
        # The skeleton makes them close (suski, susuki); as written they are not.
        ("Olga Zuskii", "Olga Susuki", "person"),
        ("Juan George Andersson", "Ivan Anderson", "person"),
        # Pinyin that reads as other characters is another name.
        ("Chengdu Xinwen Pharmaceutical", "成都锦文医药有限公司", "company"),
        ("Yu Hao Chao", "余超", "person"),
        ("Pingqiang Su", "苏靖强", "person"),
        ("Bai Ningjing", "Bai Pingping", "person"),
        ("Wan Haozi", "Yan Haozi", "person"),
    ],
)
def test_near_names_of_other_parties_stay_below_the_threshold(one, other, kind):
    assert score(one, other, kind) < DEFAULT_THRESHOLD
    assert score(other, one, kind) < DEFAULT_THRESHOLD


@pytest.mark.parametrize(
    ("one", "other", "kind"),
    [
        ("Guangzou Tianhe Chemical Co Ltd", "广州天河化工有限公司", "company"),
        ("Pingqiang Su", "苏平强", "person"),
        ("Čiovič Ûliâ", "Юлия Чиович", "person"),
        ("Shcherbakov Ivan", "Schtscherbakow Iwan", "person"),
        ("Pierre Lars Pham", "Paerre Lars Pham", "person"),
        ("Sadunko Vyacheslav", "Viaceslav Sadenko", "person"),
    ],
)
def test_transliterations_fuzzy_pinyin_and_typing_errors_still_match(one, other, kind):
    assert score(one, other, kind) >= DEFAULT_THRESHOLD
