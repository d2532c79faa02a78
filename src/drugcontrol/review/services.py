"""Every write of the implementation review: the statement loaded from its data file, the
secretariat's review cycles with their questionnaires, and a country's answers with their
approval (monitoring's approval table, in the review's own rules and audit events).
Keyword-only, one transaction, one audit event."""

import datetime
import json
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from drugcontrol.core.audit import record_event
from drugcontrol.core.bounds import read_int, read_text, text_problem
from drugcontrol.core.countries import country_by_code
from drugcontrol.core.errors import ValidationFailed
from drugcontrol.core.messages import gettext as _
from drugcontrol.core.permissions import require
from drugcontrol.core.versioning import versioned_change
from drugcontrol.monitoring.choices import Status
from drugcontrol.monitoring.workflow import Approval
from drugcontrol.review.models import (
    Answer,
    Cycle,
    CycleStatus,
    Item,
    Paragraph,
    Rating,
    Response,
)

STATEMENT = Path(__file__).resolve().parents[1] / "data" / "review" / "statement.json"
APPROVAL = Approval("review.response_submit", "review.response_decide", "review")
EDITABLE = (Status.DRAFT, Status.RETURNED)
MAX_COMMENT = 2000
MAX_ITEMS = 200


def statement_load(path: Path = STATEMENT) -> dict:
    """The statement's paragraphs from the data file, added or updated (idempotent; the
    system loads it, `drugcontrol manage load_reference`)."""
    document = json.loads(path.read_text(encoding="utf-8"))
    existing = {p.key: p for p in Paragraph.objects.all()}
    changed = 0
    with transaction.atomic():
        for order, entry in enumerate(document["paragraphs"], start=1):
            values = {
                "number": entry["number"],
                "section": entry["section"],
                "kind": entry["kind"],
                "order": order,
                "text_zh": entry["text_zh"],
                "text_en": entry["text_en"],
                "modules": entry.get("tags", {}).get("modules", []),
                "evidence": entry.get("tags", {}).get("evidence", []),
            }
            found = existing.get(entry["key"])
            if found is None:
                Paragraph.objects.create(key=entry["key"], **values)
                changed += 1
            elif any(getattr(found, name) != value for name, value in values.items()):
                for name, value in values.items():
                    setattr(found, name, value)
                found.save()
                changed += 1
        if changed:
            record_event(
                actor=None,
                action="review.statement_loaded",
                obj=None,
                after={"paragraphs": len(document["paragraphs"]), "changed": changed},
            )
    return {"paragraphs": len(document["paragraphs"]), "changed": changed}


# --- cycles -------------------------------------------------------------------------------------


def _year(raw: dict, name: str, problems: dict) -> int | None:
    value = read_int(raw.get(name), name, problems, minimum=2000, maximum=2100)
    if value is None and name not in problems:
        problems[name] = [_("This field is required.")]
    return value


def _questions(items, paragraphs: dict, problems: dict) -> list[dict]:
    """The questionnaire: [{paragraph, question_en, question_zh}], each about a paragraph
    the cycle covers."""
    if not isinstance(items, list) or len(items) > MAX_ITEMS:
        problems["items"] = [_("Give at most %(n)s questions as a list.") % {"n": MAX_ITEMS}]
        return []
    checked = []
    for index, raw in enumerate(items, start=1):
        if not isinstance(raw, dict):
            problems[f"items.{index}"] = [_("Give each question with its paragraph.")]
            continue
        item_problems: dict = {}
        paragraph = paragraphs.get(str(raw.get("paragraph", "")).strip())
        if paragraph is None:
            item_problems["paragraph"] = [_("Not a paragraph this cycle covers.")]
        english = read_text(raw, "question_en", item_problems, max_length=1000, required=True)
        chinese = read_text(raw, "question_zh", item_problems, max_length=1000, required=True)
        for name, text in (("question_en", english), ("question_zh", chinese)):
            if name not in item_problems and (problem := text_problem(text)):
                item_problems[name] = [problem]
        if item_problems:
            for name, messages in item_problems.items():
                problems[f"items.{index}.{name}"] = messages
            continue
        checked.append({"paragraph": paragraph, "question_en": english, "question_zh": chinese})
    return checked


def cycle_create(*, actor, data: dict) -> Cycle:
    """A review cycle (`code`, `name_en`, `name_zh`, `first_year`, `last_year`,
    `deadline`, `paragraphs`: keys, `items`: its questionnaire)."""
    require(actor, "review.cycle_keep")
    problems: dict = {}
    code = read_text(data, "code", problems, max_length=40, required=True).lower()
    if code and not all(c.isascii() and (c.isalnum() or c in "-_") for c in code):
        problems["code"] = [_("Letters, digits, hyphens and underscores only.")]
    elif code and Cycle.objects.filter(code=code).exists():
        problems["code"] = [_("A cycle with this code exists.")]
    names = {
        name: read_text(data, name, problems, max_length=200, required=True)
        for name in ("name_en", "name_zh")
    }
    first, last = _year(data, "first_year", problems), _year(data, "last_year", problems)
    if first and last and last < first:
        problems["last_year"] = [_("Not before the first year.")]
    deadline = None
    try:
        deadline = datetime.date.fromisoformat(str(data.get("deadline", "")))
    except ValueError:
        problems["deadline"] = [_("Give the date as YYYY-MM-DD.")]
    keys = data.get("paragraphs")
    if not isinstance(keys, list) or not keys or len(keys) > 200:
        problems["paragraphs"] = [_("Choose the paragraphs the cycle covers.")]
        keys = []
    paragraphs = {p.key: p for p in Paragraph.objects.filter(key__in=[str(k) for k in keys])}
    unknown = sorted({str(k) for k in keys} - set(paragraphs))
    if unknown:
        problems["paragraphs"] = [
            _("Not paragraphs of the statement: %(keys)s") % {"keys": ", ".join(unknown[:10])}
        ]
    questions = _questions(data.get("items", []), paragraphs, problems)
    if problems:
        raise ValidationFailed(problems)
    with transaction.atomic():
        cycle = Cycle.objects.create(
            code=code, first_year=first, last_year=last, deadline=deadline, **names
        )
        cycle.paragraphs.set(paragraphs.values())
        Item.objects.bulk_create(
            Item(cycle=cycle, order=order, **question)
            for order, question in enumerate(questions, start=1)
        )
        record_event(
            actor=actor,
            action="review.cycle_created",
            obj=cycle,
            after={"code": code, "paragraphs": sorted(paragraphs), "items": len(questions)},
        )
    return cycle


# --- responses ----------------------------------------------------------------------------------


def _response_for(actor, cycle: Cycle, country: str) -> Response:
    """The country's response to the cycle (started on its first answer)."""
    problems: dict = {}
    found = country_by_code(country) if isinstance(country, str) and len(country) <= 3 else None
    if found is None:
        raise ValidationFailed({"country": [_("Unknown country code.")]})
    require(actor, "review.response_submit", Response(country=found))
    if cycle.status != CycleStatus.OPEN:
        problems["cycle"] = [_("The cycle is closed.")]
        raise ValidationFailed(problems)
    response, _created = Response.objects.get_or_create(cycle=cycle, country=found)
    return response


def answers_save(*, actor, cycle: Cycle, country: str, answers: list, expected_version=None):
    """A country's answers (`[{item, rating, narrative, links}]`, an item once), saved on
    its draft or returned response; one version step for the lot."""
    with transaction.atomic():
        response = _response_for(actor, cycle, country)
        items = {item.pk: item for item in cycle.items.all()}
        problems: dict = {}
        checked = []
        if not isinstance(answers, list) or len(answers) > MAX_ITEMS:
            raise ValidationFailed({"answers": [_("Give the answers as a list.")]})
        seen = set()
        for index, raw in enumerate(answers, start=1):
            where = f"answers.{index}"
            if not isinstance(raw, dict):
                problems[where] = [_("Give each answer with its item.")]
                continue
            item = items.get(raw.get("item")) if isinstance(raw.get("item"), int) else None
            if item is None:
                problems[f"{where}.item"] = [_("Not a question of this cycle.")]
                continue
            if item.pk in seen:
                problems[f"{where}.item"] = [_("This question is answered twice.")]
                continue
            seen.add(item.pk)
            rating = raw.get("rating") or ""
            if rating not in Rating.values and rating != "":
                problems[f"{where}.rating"] = [_("Choose yes, partly, no or not applicable.")]
            answer_problems: dict = {}
            narrative = read_text(raw, "narrative", answer_problems, max_length=4000)
            links = read_text(raw, "links", answer_problems, max_length=2000)
            for name, text in (("narrative", narrative), ("links", links)):
                if name not in answer_problems and (problem := text_problem(text)):
                    answer_problems[name] = [problem]
            for line in links.splitlines():
                if line.strip() and not line.strip().startswith(("https://", "http://", "/")):
                    answer_problems["links"] = [_("One address a line, starting https://.")]
                    break
            for name, messages in answer_problems.items():
                problems[f"{where}.{name}"] = messages
            checked.append((item, rating, narrative, links))
        if problems:
            raise ValidationFailed(problems)
        if response.status not in EDITABLE:
            raise ValidationFailed(
                {"status": [_("Answers are changed while the response is a draft or returned.")]}
            )
        with versioned_change(
            response,
            expected_version=expected_version,
            actor=actor,
            action="review.answers_saved",
        ) as change:
            existing = {a.item_id: a for a in Answer.objects.filter(response=response)}
            for item, rating, narrative, links in checked:
                answer = existing.get(item.pk) or Answer(response=response, item=item)
                answer.rating, answer.narrative, answer.links = rating, narrative, links
                answer.save()
            change.record.updated_by = actor
    return change.record


def response_act(
    *, actor, response: Response, action: str, comment: str = "", expected_version=None
) -> Response:
    """One step of the approval: submit, return, accept, publish, reopen."""
    row, comment = APPROVAL.prepare(
        actor,
        response,
        action,
        comment,
        max_comment=MAX_COMMENT,
        wrong_status=_("This cannot be done while the response is %(status)s."),
        refused=_("You may not do this to this response."),
    )
    if action == "submit":
        answered = Answer.objects.filter(response=response).exclude(rating="")
        unanswered = response.cycle.items.exclude(
            pk__in=answered.values_list("item_id", flat=True)
        ).count()
        if unanswered:
            raise ValidationFailed(
                {"answers": [_("%(n)s questions have no answer yet.") % {"n": unanswered}]}
            )
    with versioned_change(
        response,
        expected_version=expected_version,
        actor=actor,
        action=APPROVAL.audit(row),
        fields=("status",),
    ) as change:
        current = change.record
        if current.status not in row.sources:
            raise ValidationFailed({"status": [_("Someone moved this response on meanwhile.")]})
        current.status = row.target
        current.comment = comment if row.needs_comment else current.comment
        now = timezone.now()
        if action == "submit":
            current.submitted_at = now
        elif action in ("accept", "return", "publish"):
            current.decided_at = now
        current.updated_by = actor
    return change.record
