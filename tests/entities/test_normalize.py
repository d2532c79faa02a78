import pytest

from drugcontrol.entities.identifiers import IdentifierError, normalize_identifier
from drugcontrol.entities.normalize import normalize_name, split_pinyin


@pytest.mark.parametrize(
    "name",
    [
        "广州天河化工有限公司",
        "廣州天河化工有限公司",
        "Guangzhou Tianhe Huagong Youxian Gongsi",
        "GUANGZHOU TIANHE CHEMICAL CO., LTD.",
        "Guangzhou Tianhe Hua Gong Limited",
    ],
)
def test_one_company_in_many_scripts_and_spellings(name):
    assert normalize_name(name).syllables == ("guang", "zhou", "tian", "he", "chemical")


def test_legal_forms_of_many_countries_are_set_aside():
    for name in ("Acme GmbH", "ACME S.A.", "Acme LLC", "Acme B.V.", "Acme S.r.l.", "Acme Ltda"):
        assert normalize_name(name).words == ("acme",), name
    assert normalize_name("Acme GmbH").legal_forms == ("gmbh",)


def test_persons_keep_every_word_and_chinese_becomes_pinyin():
    assert normalize_name("王伟", kind="person").syllables == ("wang", "wei")
    assert normalize_name("Co Ltd", kind="person").words == ("co", "ltd")


def test_pinyin_splitting():
    assert split_pinyin("guangzhou") == ("guang", "zhou")
    assert split_pinyin("xian") == ("xian",)
    assert split_pinyin("chemical") is None


def test_identifiers():
    assert normalize_identifier("phone", "020 8888 1234", "CN") == "+862088881234"
    assert normalize_identifier("phone", "+49 (30) 1234567") == "+49301234567"
    assert normalize_identifier("email", "Mailto:Sales@Example.COM") == "sales@example.com"
    assert (
        normalize_identifier("website", "HTTPS://www.Example.com/shop/?a=1") == "example.com/shop"
    )
    assert (
        normalize_identifier("bank_account", "DE89 3704 0044 0532 0130 00")
        == "DE89370400440532013000"
    )
    with pytest.raises(IdentifierError):
        normalize_identifier("bank_account", "DE89 3704 0044 0532 0130 01")
    with pytest.raises(IdentifierError):
        normalize_identifier("phone", "12")
    with pytest.raises(IdentifierError):
        normalize_identifier("email", "not-an-address")
    assert normalize_identifier("imo", "IMO 9 074 729") == "imo9074729"


@pytest.mark.parametrize(
    ("name", "syllables"),
    [
        ("Acme Chemie GmbH", ("acme", "chemical")),
        ("Acme Química S.A.", ("acme", "chemical")),
        ("Acme Labs Ltd", ("acme", "laboratories")),
        ("Acme Vertrieb GmbH", ("acme", "distribution")),
        ("Acme Inhustries LTDA", ("acme", "industrial")),  # one typing error
        ("Acme Imp. & Exp. S.A.", ("acme",)),
        ("Acme Import Expsrt Limited", ("acme",)),
        ("Acme Trading AO", ("acme",)),
        ("上海新联精细化工有限公司", ("shang", "hai", "xin", "lian", "fine", "chemical")),
        (
            "Shanghai Xinlian Fine Chemical Co., Ltd.",
            ("shang", "hai", "xin", "lian", "fine", "chemical"),
        ),
        (
            "Shang Hai Xin Lian Jing Xi Hua Gong",
            ("shang", "hai", "xin", "lian", "fine", "chemical"),
        ),
        ("上海新联新材料有限公司", ("shang", "hai", "xin", "lian", "new", "material")),
        ("Shanghai Xinlian Xin Cailiao", ("shang", "hai", "xin", "lian", "new", "material")),
        ("珠海山兰生物科技有限公司", ("zhu", "hai", "shan", "lan", "biotech")),
        ("Zhuhai Shanlan Biotechnology", ("zhu", "hai", "shan", "lan", "biotech")),
        ("合肥联绿进出口股份有限公司", ("he", "fei", "lian", "lv")),
        ("He Fei Lian Lv Import and Export", ("he", "fei", "lian", "lv")),
    ],
)
def test_business_words_and_legal_forms_in_other_languages(name, syllables):
    assert normalize_name(name).syllables == syllables


def test_short_words_are_not_taken_for_business_words():
    assert normalize_name("Farmo Ltd").syllables == ("farmo",)
    assert normalize_name("Ao Xing Trading").syllables == ("ao", "xing")


@pytest.mark.parametrize(
    ("kind", "value", "problem", "english"),
    [
        ("phone", "not a phone", "phone", "not a phone is not a phone number."),
        ("phone", "+86 123", "phone_impossible", "+86 123 cannot be a phone number"),
        ("email", "not-an-address", "email", "not-an-address is not an e-mail address."),
        ("website", "no web", "website", "no web is not a web address."),
        ("bank_account", "DE89 3704 0044 0532 0130 01", "iban", "The IBAN DE89 3704"),
    ],
)
def test_a_bad_identifier_is_named_in_the_readers_language(kind, value, problem, english):
    """The refusal people read is a message of the catalogue, never the library's English."""
    from django.utils import translation

    from drugcontrol.core.messages import stored
    from drugcontrol.entities.validation import identifier_problem

    with pytest.raises(IdentifierError) as caught:
        normalize_identifier(kind, value)
    assert caught.value.problem == problem
    with translation.override("en"):
        message = identifier_problem(caught.value)
    assert message.startswith(english)
    assert stored(message)["key"].startswith(("%(value)s", "The IBAN"))


@pytest.mark.parametrize(
    ("han", "pinyin"),
    [
        ("盐城宇胜物流有限公司", "Yancheng Yusheng Wuliu"),
        ("广州天河化工有限公司", "Guangzhou Tianhe Huagong"),
        ("上海生物科技有限公司", "Shanghai Shengwu Keji"),
        ("大连新材料有限公司", "Dalian Xin Cailiao"),
    ],
)
def test_business_words_in_chinese_characters_are_read_on_the_characters(han, pinyin):
    # 宇胜物流: 胜物 reads sheng wu like 生物 (biotech); it is 宇胜 and 物流 (logistics).
    assert normalize_name(han).syllables == normalize_name(pinyin).syllables
    assert "biotech" not in normalize_name("盐城宇胜物流有限公司").syllables
    assert normalize_name("胜物贸易有限公司").syllables[:2] == ("sheng", "wu")


def test_each_business_word_in_characters_is_its_pinyin_entry():
    from pypinyin import Style, lazy_pinyin

    from drugcontrol.entities.vocabulary import HAN_BUSINESS_WORDS

    for characters, canonical in HAN_BUSINESS_WORDS.items():
        written = " ".join(lazy_pinyin(characters, style=Style.NORMAL))
        assert normalize_name(f"Qingdao {written}").syllables[2:] == tuple(canonical.split()), (
            characters
        )
