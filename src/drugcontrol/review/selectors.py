"""Every read of the implementation review, through one visibility rule per record kind.

The statement's paragraphs, the cycles and their questionnaires are read by every signed-in
reader. A country's response (and its answers) is read by its country's users and the
secretariat until it is published, then by everyone; a report or an evidence figure is
computed for its reader from what that reader may read."""

from django.db.models import Q, QuerySet

from drugcontrol.core.permissions import can
from drugcontrol.core.visibility import get_visible_or_404, is_signed_in, visibility_rule, visible
from drugcontrol.monitoring.choices import Status
from drugcontrol.review.models import Answer, Cycle, Item, Paragraph, Response
from drugcontrol.review.permissions import REVIEW_READ


def _reader(user) -> bool:
    return is_signed_in(user) and can(user, REVIEW_READ.name)


@visibility_rule(Paragraph)
@visibility_rule(Cycle)
@visibility_rule(Item)
def shared_visible_to(queryset: QuerySet, user) -> QuerySet:
    return queryset if _reader(user) else queryset.none()


def _response_rule(user, prefix: str = "") -> Q | None:
    if not _reader(user):
        return None
    if user.is_international:
        return Q()
    rule = Q(**{f"{prefix}status": Status.PUBLISHED})
    if user.country_id:
        rule |= Q(**{f"{prefix}country_id": user.country_id})
    return rule


@visibility_rule(Response)
def responses_visible_to(queryset: QuerySet, user) -> QuerySet:
    rule = _response_rule(user)
    return queryset.none() if rule is None else queryset.filter(rule)


@visibility_rule(Answer)
def answers_visible_to(queryset: QuerySet, user) -> QuerySet:
    rule = _response_rule(user, "response__")
    return queryset.none() if rule is None else queryset.filter(rule)


def paragraph_list(user, *, section=None, kind=None) -> QuerySet:
    queryset = visible(Paragraph, user)
    if section:
        queryset = queryset.filter(section=section)
    if kind:
        queryset = queryset.filter(kind=kind)
    return queryset


def paragraph_get(user, key: str) -> Paragraph:
    return get_visible_or_404(Paragraph.objects.all(), user, key=key)


def cycle_list(user) -> QuerySet:
    return visible(Cycle, user)


def cycle_get(user, code: str) -> Cycle:
    return get_visible_or_404(Cycle.objects.all(), user, code=code)


def items_of(user, cycle: Cycle) -> QuerySet:
    return visible(Item, user).filter(cycle=cycle).select_related("paragraph")


def response_list(user, *, cycle=None, country=None, status=None) -> QuerySet:
    queryset = visible(Response, user).select_related("cycle", "country")
    if cycle:
        queryset = queryset.filter(cycle__code=cycle)
    if country:
        queryset = queryset.filter(country_id=country.upper())
    if status:
        queryset = queryset.filter(status=status)
    return queryset


def response_get(user, response_id: int) -> Response:
    return get_visible_or_404(response_list(user), user, pk=response_id)


def answers_of(user, response: Response) -> QuerySet:
    return visible(Answer, user).filter(response=response).select_related("item__paragraph")


def answers_of_responses(user, responses: QuerySet) -> QuerySet:
    """The answers of several responses, as the reader may read them."""
    return visible(Answer, user).filter(response__in=responses)
