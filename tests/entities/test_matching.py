import pytest

from drugcontrol.entities import matching, services
from drugcontrol.entities.matching import Query, key_hash
from drugcontrol.entities.models import KeyCount, PartyName
from drugcontrol.entities.normalize import normalize_name
from drugcontrol.entities.services.parties import _add_names_and_identifiers

pytestmark = pytest.mark.django_db


def top(name, kind="company", **options):
    found = services.find_candidates(Query.build(kind=kind, names=[name]), **options)
    return found[0].party_id if found else None


def test_one_typing_error_in_the_only_distinctive_word_still_shares_a_key():
    right = normalize_name("Bristalfu Import Export N.V.")
    mistyped = normalize_name("Bristaluf Import Export N.V.")
    shared = matching.name_keys("company", right) & matching.name_keys("company", mistyped)
    assert any(key.startswith("nd:") for key in shared)
    # Generic words and single pinyin syllables get no deletion keys.
    assert matching.distinctive_words(normalize_name("Alpha Chemical Logistics")) == ["alfa"]
    assert matching.distinctive_words(normalize_name("广州天河化工")) == []


def test_the_service_counts_tokens_and_parties(make_party):
    party = make_party("Bristalfu Logistics GmbH", country="DEU")
    make_party("Krelomba Logistics GmbH", country="DEU")

    def count(text):
        return KeyCount.objects.filter(key=key_hash(text)).values_list("count", flat=True).first()

    assert count("t:n:logistics") == 2
    assert count("t:n:bristalfu") == 1
    assert count(matching.total_key("company")) == 2
    name = PartyName.objects.get(party=party)
    assert (name.syllables, name.words) == ("bristalfu logistics", "bristalfu logistics")
    # A second name counts only its new tokens, and not the party again.
    _add_names_and_identifiers(party, ["Bristalfu Logistik"], [])
    assert count("t:n:logistics") == 2
    assert count(matching.total_key("company")) == 2


def test_words_the_names_do_not_share_count_by_their_rarity(make_party):
    for stem in ("Krelomba", "Vostrani", "Plekuma", "Dravonel", "Sutrabo"):
        make_party(f"Singapore {stem} Materials Pte. Ltd.", country="SGP")
    right = make_party("Singapore Rucham Materials Pte. Ltd.", country="SGP")
    assert top("Singapore Rucham Materials") == right.pk
    assert top("Singapore Ruhcam Materials Pte Ltd") == right.pk  # a typing error
    assert top("Singapore Materials Rucham") == right.pk
    # Another distinctive word is another company, however much else the names share.
    assert top("Singapore Risam Materials") is None
    rarity = matching.token_rarity("company", ["singapore", "rucham", "risam"])
    assert rarity["singapore"] < rarity["rucham"] <= rarity["risam"] == 1.0


def test_chinese_names_differ_by_one_character(make_party):
    right = make_party("郑州彬泉物流有限公司")
    assert top("Zhengzhou Binquan Logistics Co., Ltd.") == right.pk
    assert top("Zhengzhou Qiquan Logistics Co., Ltd.") is None
    assert top("郑州麒泉物流有限公司") is None


def test_equal_scores_rank_the_name_in_the_same_order_first(make_party):
    other = make_party("郑州泉彬物流有限公司")
    right = make_party("郑州彬泉物流有限公司")
    found = services.find_candidates(
        Query.build(kind="company", names=["Zhengzhou Bin Quan Wuliu"])
    )
    assert [c.party_id for c in found] == [right.pk, other.pk]
    assert found[0].score == found[1].score == 100


def test_a_scan_of_every_party_agrees_with_the_index(make_party):
    right = make_party("Hamburg Bristalfu Chemie GmbH", country="DEU")
    make_party("Hamburg Krelomba Chemicals GmbH", country="DEU")
    query = Query.build(kind="company", names=["Bristalfu Hamburg Chemical AG"])
    scanned = services.score_parties(query, None)
    assert [c.party_id for c in scanned] == [right.pk]
    assert [c.party_id for c in services.find_candidates(query)] == [right.pk]


def test_names_stored_without_words_are_still_scored(make_party):
    party = make_party("Hamburg Bristalfu Chemie GmbH", country="DEU")
    PartyName.objects.filter(party=party).update(words="")
    assert top("Hamburg Bristalfu Chemical") == party.pk


@pytest.mark.parametrize("kind", ["company", "person"])
def test_the_bulk_filter_keeps_every_name_that_can_reach_the_threshold(kind):
    names = [
        "Guangzhou Tianhe Chemical Co., Ltd.",
        "广州天河化工有限公司",
        "Tianhe Guangzhou Chemicals",
        "Hamburg Bristalfu Chemie GmbH",
        "Bristaluf Hamburg",
        "Wang Wei",
        "王伟",
        "Wei Wang",
        "Huixin Han",
        "Han Huixin",
        "Maria Gonzalez Lopez",
        "Lopez Maria",
        "Singapore Rucham Materials",
        "Singapore Risam Materials",
    ]
    forms = [normalize_name(name, kind=kind) for name in names]
    rows = [(form.syllable_text, " ".join(form.words)) for form in forms]
    for query in forms:
        for threshold in (60, 85, 100):
            kept = matching.may_reach(query, kind, rows, threshold)
            for position, other in enumerate(forms):
                if matching.score_names(query, other, kind=kind)[0] >= threshold:
                    assert position in kept, (query.original, other.original, threshold)


def test_the_index_can_be_rebuilt_as_the_service_builds_it(make_party):
    from django.core.management import call_command

    from drugcontrol.entities.models import BlockingKey

    make_party("Hamburg Bristalfu Chemie GmbH", country="DEU", phone="+49 40 1234567")
    make_party("广州天河化工有限公司")
    make_party("Wang Wei", kind="person")

    def index():
        return (
            sorted(BlockingKey.objects.values_list("party_id", "key")),
            sorted(KeyCount.objects.values_list("key", "count")),
            sorted(PartyName.objects.values_list("party_id", "syllables", "compact", "words")),
        )

    built = index()
    # An index of an older version: other keys, names stored without their words.
    BlockingKey.objects.all().delete()
    KeyCount.objects.all().delete()
    PartyName.objects.update(words="", syllables="x")
    call_command("entities", "reindex")
    assert index() == built
    assert top("Hamburg Bristalfu Chemical") is not None
