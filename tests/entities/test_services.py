import pytest

from drugcontrol.core.errors import Conflict, PermissionDenied, ValidationFailed
from drugcontrol.core.models import AuditEvent
from drugcontrol.entities import services
from drugcontrol.entities.matching import Query
from drugcontrol.entities.models import (
    Correlation,
    CorrelationStatus,
    Party,
    PartyLink,
    WarningValue,
)

pytestmark = pytest.mark.django_db


def last_action():
    return AuditEvent.objects.order_by("-sequence").first().action


def matches(name, kind="company"):
    return [
        (c.name, c.score) for c in services.find_candidates(Query.build(kind=kind, names=[name]))
    ]


def test_party_is_indexed_and_found_across_scripts(make_party, chn_officer):
    party = make_party("广州天河化工有限公司", actor=chn_officer)
    assert last_action() == "entities.party_created"
    assert party.owner_country_id == "CHN"
    for query in (
        "Guangzhou Tianhe Huagong Youxian Gongsi",
        "Guangzou Tianhe Chemical Co Ltd",
        "Tianhe Guangzhou Chemicals Limited",
        "廣州天河化工有限公司",
    ):
        found = services.find_candidates(Query.build(kind="company", names=[query]))
        assert found and found[0].party_id == party.pk, query
        assert found[0].score >= 85
    assert matches("Shenzhen Baoan Logistics") == []
    assert matches("Wang Wei", kind="person") == []


def test_correlations_are_proposed_with_reasons(make_party, chn_officer, deu_officer):
    first = make_party("广州天河化工有限公司", actor=chn_officer)
    second = make_party("Guangzhou Tianhe Huagong Co., Ltd.", country="CHN", actor=deu_officer)
    correlation = Correlation.objects.get()
    assert (correlation.party_a_id, correlation.party_b_id) == (first.pk, second.pk)
    assert correlation.status == "proposed" and correlation.score >= 95
    assert "script_bridged" in correlation.reasons and "same_country" in correlation.reasons
    assert (
        AuditEvent.objects.filter(action="entities.party_created")
        .order_by("sequence")
        .last()
        .after["correlations"]
        == 1
    )


def test_identifiers_correlate_and_are_validated(make_party):
    first = make_party("Alpha Chemicals", phone="+86 20 8888 1234")
    second = make_party("Beta Import Export", phone="020-8888-1234")
    correlation = Correlation.objects.get()
    assert {correlation.party_a_id, correlation.party_b_id} == {first.pk, second.pk}
    assert correlation.score == 100 and correlation.reasons[0] == "same_phone"
    with pytest.raises(ValidationFailed) as error:
        services.validate_party(
            kind="company", name="X", country_code="QQQ", identifiers=[("phone", "12")]
        )
    assert set(error.value.details) == {"country", "phone"}


def test_rejected_pairs_never_come_back(make_party, chn_officer):
    make_party("广州天河化工有限公司", organisation=chn_officer.organisation)
    second = make_party("Guangzhou Tianhe Chemical Co Ltd", organisation=chn_officer.organisation)
    correlation = Correlation.objects.get()
    services.correlation_decide(actor=chn_officer, correlation=correlation, decision="rejected")
    assert last_action() == "entities.correlation_rejected"
    assert services.correlate_party(second) == []
    assert Correlation.objects.get().status == CorrelationStatus.REJECTED


def test_decisions_have_optimistic_concurrency(make_party, chn_officer, chn_admin):
    make_party("广州天河化工有限公司", organisation=chn_officer.organisation)
    make_party("Guangzhou Tianhe Chemical Co Ltd", organisation=chn_officer.organisation)
    correlation = Correlation.objects.get()
    services.correlation_decide(
        actor=chn_officer, correlation=correlation, decision="confirmed", expected_version=1
    )
    with pytest.raises(Conflict):
        services.correlation_decide(
            actor=chn_admin, correlation=correlation, decision="rejected", expected_version=1
        )
    assert Correlation.objects.get().status == "confirmed"


def test_viewers_cannot_decide(make_party, make_user):
    make_party("广州天河化工有限公司")
    make_party("Guangzhou Tianhe Chemical Co Ltd")
    viewer = make_user(role="viewer")
    with pytest.raises(PermissionDenied):
        services.correlation_decide(
            actor=viewer, correlation=Correlation.objects.get(), decision="confirmed"
        )


def test_merge_and_undo_move_links_and_are_audited(make_party, chn_officer):
    first = make_party("广州天河化工有限公司", organisation=chn_officer.organisation)
    second = make_party("Guangzhou Tianhe Chemical Co Ltd", organisation=chn_officer.organisation)
    link = services.party_link(
        party=second,
        record_type="incidents.incident",
        record_id=7,
        organisation=chn_officer.organisation,
        audience="country",
    )
    correlation = Correlation.objects.get()
    with pytest.raises(ValidationFailed):
        services.parties_merge(actor=chn_officer, correlation=correlation)
    services.correlation_decide(actor=chn_officer, correlation=correlation, decision="confirmed")
    merge = services.parties_merge(actor=chn_officer, correlation=correlation)
    assert last_action() == "entities.parties_merged"
    assert PartyLink.objects.get(pk=link.pk).party_id == first.pk
    assert Party.objects.get(pk=second.pk).merged_into_id == first.pk
    found = services.find_candidates(
        Query.build(kind="company", names=["Guangzhou Tianhe Chemical"])
    )
    assert [c.party_id for c in found] == [first.pk]
    services.merge_undo(actor=chn_officer, merge=merge)
    assert last_action() == "entities.merge_undone"
    assert PartyLink.objects.get(pk=link.pk).party_id == second.pk
    assert Party.objects.get(pk=second.pk).merged_into_id is None
    with pytest.raises(ValidationFailed):
        services.merge_undo(actor=chn_officer, merge=merge)


def test_warning_list_suppresses_correlations(make_party, intl_admin, chn_admin):
    with pytest.raises(PermissionDenied):
        services.warning_value_add(actor=chn_admin, kind="phone", value="+86 20 0000 0000")
    services.warning_value_add(
        actor=intl_admin, kind="phone", value="+86 20 0000 0000", reason="placeholder"
    )
    make_party("Alpha Chemicals", phone="+86 20 0000 0000")
    make_party("Beta Trading", phone="020 0000 0000")
    assert not Correlation.objects.exists()
    services.warning_value_add(actor=intl_admin, kind="company", value="Maersk Line A/S")
    make_party("Maersk Line")
    make_party("MAERSK LINE A/S", country="DNK")
    assert not Correlation.objects.exists()
    with pytest.raises(ValidationFailed):
        services.warning_value_add(actor=intl_admin, kind="company", value="maersk line")
    with pytest.raises(ValidationFailed):
        services.warning_value_add(actor=intl_admin, kind="phone", value="12")


def test_a_warning_value_withdraws_its_proposals_and_its_removal_restores_them(
    make_party, intl_admin
):
    make_party("Alpha Chemicals", phone="+86 20 1111 2222")
    make_party("Beta Trading", phone="020 1111 2222")
    make_party("Gamma Chemicals", phone="+86 21 5555 6666")
    make_party("Gamma Chemical Co", phone="+86 21 5555 6666")
    first, other = Correlation.objects.order_by("pk")
    warning = services.warning_value_add(actor=intl_admin, kind="phone", value="+862011112222")
    first.refresh_from_db()
    assert first.status == CorrelationStatus.WITHDRAWN and first.withdrawn_by == warning
    assert Correlation.objects.get(pk=other.pk).status == CorrelationStatus.PROPOSED
    added = AuditEvent.objects.order_by("-sequence").first()
    assert added.action == "entities.warning_value_added"
    assert added.after["withdrawn_correlations"] == [first.pk]
    services.warning_value_remove(actor=intl_admin, warning=warning)
    removed = AuditEvent.objects.order_by("-sequence").first()
    assert removed.action == "entities.warning_value_removed"
    assert removed.after["restored_correlations"] == [first.pk]
    first.refresh_from_db()
    assert first.status == CorrelationStatus.PROPOSED and first.withdrawn_by is None


def test_only_secretariat_officers_edit_the_warning_list(make_party, intl_viewer, chn_admin):
    make_party("Alpha Chemicals", phone="+86 20 1111 2222")
    make_party("Beta Trading", phone="020 1111 2222")
    for actor in (intl_viewer, chn_admin):
        with pytest.raises(PermissionDenied):
            services.warning_value_add(actor=actor, kind="phone", value="+862011112222")
    assert Correlation.objects.get().status == CorrelationStatus.PROPOSED


IMPORT = (
    "id,kind,name,country,address,phone,email,identifier\n"
    "c1,company,广州天河化工有限公司,CHN,,020 8888 1234,,\n"
    "c2,company,Guangzhou Tianhe Chemical Co Ltd,CHN,,,sales@tianhe.example,\n"
    "p1,person,Maria Gonzalez Lopez,MEX,,,,passport:G1234567\n"
)


def test_import_creates_parties_and_correlations(countries):
    summary = services.parties_import(actor=None, content=IMPORT.encode())
    assert summary == {"imported": 3, "correlations": 1}
    assert Party.objects.get(external_id="p1").identifiers.get().kind == "other"
    assert last_action() == "entities.parties_imported"


def test_import_is_all_or_nothing_with_errors_by_line(countries):
    bad = IMPORT + "c4,ship,Nameless,CHN,,,,\nc1,company,,XXX,,12,,\n"
    with pytest.raises(ValidationFailed) as error:
        services.parties_import(actor=None, content=bad.encode())
    assert set(error.value.details) == {"row 5", "row 6"}
    assert set(error.value.details["row 6"]) == {"name", "country", "phone"}
    assert not Party.objects.exists()
    with pytest.raises(ValidationFailed):
        services.parties_import(actor=None, content=b"name,country\nx,CHN\n")
    duplicate = IMPORT + "c1,company,Other,CHN,,,,\n"
    with pytest.raises(ValidationFailed) as error:
        services.parties_import(actor=None, content=duplicate.encode())
    assert "row 5" in error.value.details


def test_register_reuses_the_same_party_of_the_same_country(countries, chn_officer, deu_officer):
    def register(actor, name):
        data = services.validate_party(kind="company", name=name, country_code="CHN")
        return services.party_register(actor=actor, data=data)

    first = register(chn_officer, "Guangzhou Tianhe Chemical Co., Ltd.")
    assert register(chn_officer, "GUANGZHOU TIANHE CHEMICAL LIMITED") == first
    assert register(deu_officer, "Guangzhou Tianhe Chemical Co., Ltd.") != first
    assert register(chn_officer, "Guangzhou Tianhe Pharmaceutical Co., Ltd.") != first


def test_a_warning_value_or_reason_too_long_is_refused_by_field(intl_admin):
    cases = (("value", "9" * 301, ""), ("reason", "+86 20 0000 0000", "r" * 301))
    for field, value, reason in cases:
        with pytest.raises(ValidationFailed) as error:
            services.warning_value_add(actor=intl_admin, kind="phone", value=value, reason=reason)
        assert set(error.value.details) == {field}
    assert not WarningValue.objects.exists()
