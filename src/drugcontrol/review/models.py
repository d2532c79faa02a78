"""The implementation review: the 2014 Joint Ministerial Statement as data (its numbered
paragraphs, loaded from `data/review/statement.json`), review cycles with a questionnaire
of items linked to paragraphs, and each country's response, which goes through the same
approval as monitoring data (draft, submitted, returned, accepted, published)."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from drugcontrol.monitoring.choices import Status


class Section(models.TextChoices):
    GENERAL = "general", _("General")
    DEMAND = "A", _("A. Demand reduction and related measures")
    SUPPLY = "B", _("B. Supply reduction and related measures")
    LAUNDERING = "C", _("C. Countering money-laundering and promoting judicial cooperation")


class Kind(models.TextChoices):
    GENERAL = "general", _("General")
    ACHIEVEMENT = "achievement", _("Achievement")
    CHALLENGE = "challenge", _("Challenge and priority action")


class Paragraph(models.Model):
    """One numbered paragraph of the statement (reference data, read by every reader)."""

    key = models.CharField(_("paragraph"), max_length=8, unique=True)  # "14", "A.14"
    number = models.PositiveSmallIntegerField(_("number"))
    section = models.CharField(_("section"), max_length=8, choices=Section.choices)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    order = models.PositiveSmallIntegerField(default=0)
    text_zh = models.TextField(_("Chinese text"))
    text_en = models.TextField(_("English text"))
    modules = models.JSONField(default=list, blank=True)
    evidence = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["order"]

    def __str__(self) -> str:
        return self.key

    @property
    def text(self) -> str:
        """In the reader's language: the Chinese as printed (its page breaks joined), or
        the project's English rendering."""
        if (get_language() or "").lower().startswith("zh"):
            return self.text_zh.replace("\n", "")
        return self.text_en


class CycleStatus(models.TextChoices):
    OPEN = "open", _("Open for answers")
    CLOSED = "closed", _("Closed")


class Cycle(models.Model):
    """A review cycle: the paragraphs it covers, its questionnaire, its deadline."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name_en = models.CharField(_("name (English)"), max_length=200)
    name_zh = models.CharField(_("name (Chinese)"), max_length=200)
    first_year = models.PositiveSmallIntegerField(_("first year"))
    last_year = models.PositiveSmallIntegerField(_("last year"))
    deadline = models.DateField(_("deadline"))
    status = models.CharField(
        _("status"), max_length=8, choices=CycleStatus.choices, default=CycleStatus.OPEN
    )
    paragraphs = models.ManyToManyField(Paragraph, verbose_name=_("paragraphs"), blank=True)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-first_year", "code"]

    def __str__(self) -> str:
        return self.code

    @property
    def name(self) -> str:
        if (get_language() or "").lower().startswith("zh"):
            return self.name_zh or self.name_en
        return self.name_en


class Item(models.Model):
    """A question of a cycle's questionnaire, about one paragraph, in both languages."""

    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="items")
    paragraph = models.ForeignKey(Paragraph, on_delete=models.PROTECT, related_name="+")
    order = models.PositiveSmallIntegerField(default=0)
    question_en = models.TextField(_("question (English)"), max_length=1000)
    question_zh = models.TextField(_("question (Chinese)"), max_length=1000)

    class Meta:
        ordering = ["cycle", "order", "pk"]

    def __str__(self) -> str:
        return f"{self.cycle_id} {self.paragraph_id}"

    @property
    def question(self) -> str:
        if (get_language() or "").lower().startswith("zh"):
            return self.question_zh or self.question_en
        return self.question_en


class Response(models.Model):
    """A country's answers to a cycle's questionnaire, approved as monitoring data is."""

    cycle = models.ForeignKey(Cycle, on_delete=models.PROTECT, related_name="responses")
    country = models.ForeignKey(
        "core.Country", verbose_name=_("country"), on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    comment = models.TextField(_("comment"), max_length=2000, blank=True)
    version = models.PositiveIntegerField(default=1)
    submitted_at = models.DateTimeField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["cycle", "country_id"]
        constraints = [
            models.UniqueConstraint(fields=["cycle", "country"], name="review_response_once")
        ]

    def __str__(self) -> str:
        return f"{self.cycle_id} {self.country_id}"


class Rating(models.TextChoices):
    YES = "yes", _("Yes")
    PARTLY = "partly", _("Partly")
    NO = "no", _("No")
    NOT_APPLICABLE = "na", _("Not applicable")


class Answer(models.Model):
    """A country's answer to one item: the rating, a narrative, links to evidence."""

    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="answers")
    rating = models.CharField(_("answer"), max_length=8, choices=Rating.choices, blank=True)
    narrative = models.TextField(_("narrative"), max_length=4000, blank=True)
    links = models.TextField(_("evidence links"), max_length=2000, blank=True)

    class Meta:
        ordering = ["response", "item__order", "item_id"]
        constraints = [
            models.UniqueConstraint(fields=["response", "item"], name="review_answer_once")
        ]

    def __str__(self) -> str:
        return f"{self.response} {self.item_id}: {self.rating}"
