import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ImproperlyConfigured
from django.http import Http404

from drugcontrol.core import selectors, services
from drugcontrol.core.models import AuditEvent, Organisation
from drugcontrol.core.visibility import get_visible_or_404, rule_for, visibility_rule, visible

pytestmark = pytest.mark.django_db


def test_anonymous_and_inactive_users_see_nothing(chn_officer, chn_admin):
    assert not visible(Organisation, AnonymousUser()).exists()
    assert not visible(Organisation, None).exists()
    services.user_update(actor=chn_admin, user=chn_officer, is_active=False)
    chn_officer.refresh_from_db()
    assert not visible(Organisation, chn_officer).exists()


def test_a_model_without_a_rule_is_a_configuration_error():
    from django.contrib.sessions.models import Session

    with pytest.raises(ImproperlyConfigured):
        rule_for(Session)
    with pytest.raises(ImproperlyConfigured):

        @visibility_rule(Organisation)
        def another_rule(queryset, user):
            return queryset


def test_get_visible_or_404(chn_officer, deu_officer):
    assert get_visible_or_404(Organisation, chn_officer, pk=chn_officer.organisation_id)
    with pytest.raises(Http404):
        get_visible_or_404(Organisation, chn_officer, pk=deu_officer.organisation_id)
    with pytest.raises(Http404):
        get_visible_or_404(Organisation, chn_officer, pk="not-a-number")


def test_organisations_own_country_and_international(
    chn_officer, deu_officer, intl_admin, make_org
):
    other_chinese = make_org(country="CHN", kind="law_enforcement")
    names = set(selectors.organisation_list(user=chn_officer).values_list("pk", flat=True))
    assert {chn_officer.organisation_id, other_chinese.pk, intl_admin.organisation_id} <= names
    assert deu_officer.organisation_id not in names
    every = selectors.organisation_list(user=intl_admin)
    assert every.count() == Organisation.objects.count()
    assert list(
        selectors.organisation_list(
            user=intl_admin, country="deu", kind="competent_authority", search="organ"
        ).values_list("pk", flat=True)
    ) == [deu_officer.organisation_id]
    assert (
        selectors.organisation_list(user=chn_officer)
        .get(pk=chn_officer.organisation_id)
        .member_count
        == 1
    )


def test_users_are_seen_within_the_organisation(
    chn_officer, chn_admin, deu_officer, intl_admin, intl_viewer
):
    assert set(selectors.user_list(user=chn_officer)) == {chn_officer, chn_admin}
    assert deu_officer in selectors.user_list(user=intl_admin)
    assert deu_officer not in selectors.user_list(user=intl_viewer)
    assert list(selectors.user_list(user=intl_admin, search=deu_officer.username)) == [deu_officer]
    assert not selectors.user_list(user=chn_admin, active=False).exists()


def test_tokens_are_seen_by_owner_and_own_admins(chn_officer, chn_admin, deu_admin, intl_admin):
    token, _secret = services.token_create(actor=chn_officer, user=chn_officer, name="t")
    assert list(selectors.api_token_list(user=chn_officer)) == [token]
    assert selectors.api_token_get(user=chn_admin, token_id=token.pk) == token
    for outsider in (deu_admin, intl_admin):
        with pytest.raises(Http404):
            selectors.api_token_get(user=outsider, token_id=token.pk)
    services.token_revoke(actor=chn_officer, token=token)
    assert not selectors.api_token_list(user=chn_officer, include_revoked=False).exists()


def test_audit_events_by_role(chn_officer, chn_admin, deu_admin, intl_viewer):
    services.profile_update(
        actor=chn_officer, email="a@b.org", first_name="", last_name="", preferred_language=""
    )
    event = AuditEvent.objects.order_by("-sequence").first()
    assert event in selectors.audit_event_list(user=chn_officer)  # own action
    assert event in selectors.audit_event_list(user=chn_admin)  # own organisation
    assert event in selectors.audit_event_list(user=intl_viewer)
    assert event not in selectors.audit_event_list(user=deu_admin)
    # A colleague who is not an administrator sees only their own actions.
    colleague_events = selectors.audit_event_list(user=chn_officer)
    assert all(e.actor_id == chn_officer.pk for e in colleague_events)
    filtered = selectors.audit_event_list(
        user=intl_viewer, action="user.profile", actor=chn_officer.username.upper(), country="chn"
    )
    assert list(filtered) == [event]
    assert (
        not selectors.audit_event_list(
            user=intl_viewer, object_type="core.organisation", object_id=str(event.object_id)
        )
        .filter(pk=event.pk)
        .exists()
    )


def test_country_selectors(chn_officer):
    assert selectors.country_get(user=chn_officer, code="chn").iso2 == "CN"
    asia = selectors.country_list(user=chn_officer, region="142")
    assert asia.filter(iso3="JPN").exists() and not asia.filter(iso3="DEU").exists()
    assert list(
        selectors.country_list(user=chn_officer, search="德国").values_list("iso3", flat=True)
    ) == ["DEU"]
    assert selectors.country_list(user=chn_officer, search="de").filter(iso3="DEU").exists()


def test_home_summary(chn_admin, chn_officer):
    summary = selectors.home_summary(user=chn_admin)
    assert summary["member_count"] == 2 and summary["organisation"] == chn_admin.organisation
    assert summary["recent_events"] and summary["token_count"] == 0
