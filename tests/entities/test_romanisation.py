"""Romanisation variants against other names: two spellings of a Cyrillic name are one name
when they can come from the same Cyrillic letters under the common systems, not when they
are merely a letter apart (the spelling skeleton brings both together); and a pinyin name
with one slip that reads as other syllables is still found."""

import pytest

from drugcontrol.entities import matching, services
from drugcontrol.entities.matching import DEFAULT_THRESHOLD, Query
from drugcontrol.entities.normalize import normalize_name
from drugcontrol.entities.romanisation import romanised_alike, romanises


def score(one, other, kind="person"):
    a, b = normalize_name(one, kind=kind), normalize_name(other, kind=kind)
    # Every token unknown to the index (the rarest).
    return matching.score_names(a, b, kind=kind, rarity={})[0]


@pytest.mark.parametrize(
    ("latin", "cyrillic"),
    [
        ("shchukin", "щукин"),  # BGN/PCGN, ICAO 9303
        ("scukin", "щукин"),  # ISO 9 in ASCII (ŝ written s and c)
        ("schtschukin", "щукин"),  # German
        ("vyacheslav", "вячеслав"),
        ("viacheslav", "вячеслав"),
        ("wjatscheslaw", "вячеслав"),
        ("dmitry", "дмитрий"),
        ("dmitrij", "дмитрий"),
        ("solovyev", "соловьёв"),
        ("solowjow", "соловьёв"),
        ("aleksandr", "александр"),
        ("hryhoriy", "григорий"),  # Ukrainian г
    ],
)
def test_romanisations_of_the_same_letters(latin, cyrillic):
    assert romanises(latin, cyrillic)


@pytest.mark.parametrize(
    ("latin", "cyrillic"),
    [
        ("kyin", "куин"),  # no system writes this u as y
        ("shatsaenko", "шаценко"),  # a letter inserted
        ("kuzenetsov", "кузнецов"),
        ("ivano", "иванов"),
        ("susuki", "зуский"),
    ],
)
def test_a_letter_the_romanisations_cannot_give(latin, cyrillic):
    assert not romanises(latin, cyrillic)


def test_two_latin_spellings_of_one_cyrillic_name():
    assert romanised_alike("shcherbakov", "schtscherbakow")
    assert romanised_alike("iuliia", "yuliya")
    assert romanised_alike("tsvetkov", "zwetkow")
    assert romanised_alike("khokhlov", "chochlow")
    assert not romanised_alike("kyin", "kuin")
    assert not romanised_alike("shatsaenko", "shatsenko")
    assert not romanised_alike("zuskij", "susuki")


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("Grigoriy Kyin", "Григорий Куин"),
        ("Pavel Shatsaenko", "Павел Шаценко"),
        ("Shatsaenko Pavel", "Павел Шаценко"),
        ("Ekaterina Kuzenetsova", "Екатерина Кузнецова"),
        ("Nikolay Ivano", "Николай Иванов"),  # a letter short, however common the name
        ("Elena Gopiueev", "Елена Гопюёв"),  # the same skeleton, not the same letters
        ("Tatyana Dyuchuk", "Татьяна Дючек"),
    ],
)
def test_romanised_names_a_cyrillic_letter_apart_stay_below_the_threshold(one, other):
    assert score(one, other) < DEFAULT_THRESHOLD
    assert score(other, one) < DEFAULT_THRESHOLD


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("Grigoriy Kuin", "Григорий Куин"),
        ("Pavel Shatsenko", "Павел Шаценко"),
        ("Schazenko Pawel", "Павел Шаценко"),
        ("Ekaterina Kuznetsova", "Екатерина Кузнецова"),
        ("Jekaterina Kusnezowa", "Екатерина Кузнецова"),
        ("Tat'yana Dyuchek", "Татьяна Дючек"),
        ("Tatiana Diuchek", "Татьяна Дючек"),
    ],
)
def test_romanisations_still_reach_the_threshold(one, other):
    assert score(one, other) >= DEFAULT_THRESHOLD
    assert score(other, one) >= DEFAULT_THRESHOLD


def first(name, kind="person"):
    found = services.find_candidates(Query.build(kind=kind, names=[name]))
    return found[0].party_id if found else None


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("stored", "query"),
    [
        ("Вячеслав Щукин", "Viacheslav Shchukin"),
        ("Вячеслав Щукин", "Wjatscheslaw Schtschukin"),
        ("Вячеслав Щукин", "SHCHUKIN, Vyacheslav"),
        ("Татьяна Дючек", "Tatjana Djutschek"),
    ],
)
def test_a_cyrillic_romanisation_variant_matches(make_party, stored, query):
    right = make_party(stored, kind="person", country="RUS")
    make_party("Вячеслав Щукан", kind="person", country="RUS")
    make_party("Татьяна Дючук", kind="person", country="RUS")
    assert first(query) == right.pk


@pytest.mark.django_db
def test_a_romanised_name_a_letter_from_the_indexed_one_is_no_match(make_party):
    make_party("Григорий Куин", kind="person", country="RUS")
    make_party("Павел Шаценко", kind="person", country="UKR")
    assert first("Grigori Kyin") is None
    assert first("Pavel Shatsaenko") is None


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("stored", "query", "kind"),
    [
        ("Mo Jiaqiu", "Mo Jiaqi", "person"),  # qiu -> qi
        ("Dong Binzi", "Dong Bizi", "person"),  # bin zi -> bi zi
        ("Gao Tianze", "Gao Tiaoze", "person"),  # tian ze -> tiao ze
        ("Suzhou Mingming Biotechnology Co., Ltd.", "Souzhou Mingming Biotechnology", "company"),
    ],
)
def test_a_pinyin_name_with_one_slip_into_other_syllables_is_found(make_party, stored, query, kind):
    right = make_party(stored, kind=kind)
    make_party("Mo Jiahui", kind=kind)
    make_party("Suzhou Minghui Trading Co., Ltd.", kind=kind)
    assert right.pk in [
        c.party_id for c in services.find_candidates(Query.build(kind=kind, names=[query]))
    ]
    assert first(query, kind) == right.pk


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("Bai Ningjing", "Bai Pingping"),  # two syllables differ
        ("Wan Haozi", "Yan Haozi"),  # one syllable of one letter in three
        ("Liu Xinwenjie", "Liu Jinwenjia"),
        ("Zou Jiahao", "Zou Jiehao"),  # one vowel for another: the commonest pairs
        ("Yan Lanjia", "Yan Linjia"),
        ("Long Pengli", "Long Fengli"),  # another initial
    ],
)
def test_pinyin_a_syllable_or_more_apart_is_another_name(one, other):
    assert score(one, other) < DEFAULT_THRESHOLD
    assert score(other, one) < DEFAULT_THRESHOLD


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("stored", "query"),
    [
        ("Grosmatrachemiehandel GmbH", "Grosmatrachemiehanrdel GmbH"),
        ("Kastrelpharmavertrieb GmbH", "Kastrelpharmavertreib GmbH"),
        ("Brunovak Logistikhandel AG", "Brunovak Logistikhandle AG"),
    ],
)
def test_a_long_compound_with_a_slip_in_its_ending_is_found(make_party, stored, query):
    right = make_party(stored, country="DEU")
    make_party("Grosmatra Logistik GmbH", country="DEU")
    make_party("Kastrel Chemie AG", country="DEU")
    assert first(query, "company") == right.pk
