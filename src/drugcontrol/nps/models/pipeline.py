"""The scheduling pipeline: a registry substance under review, from surveillance through the
WHO reviews and the Commission's vote to a listing in force, with the steps that took it
there."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# The choices live apart so pages and the API read them without the models.
from drugcontrol.nps.pipeline_choices import (
    CLOSED_STAGES,
    OPEN_STAGES,
    PIPELINE_STAGES,
    Convention,
    Recommendation,
    ReviewAction,
    ReviewStage,
    VoteResult,
)

REVIEW_RECORD_TYPE = "nps.schedulereview"


__all__ = [
    "CLOSED_STAGES",
    "OPEN_STAGES",
    "PIPELINE_STAGES",
    "REVIEW_RECORD_TYPE",
    "Convention",
    "Recommendation",
    "ReviewAction",
    "ReviewStage",
    "ReviewStep",
    "ScheduleReview",
    "VoteResult",
]


class ScheduleReview(models.Model):
    """One substance's way through the scheduling process. A substance has at most one open
    review; a closed one stays as history, and a new review may be opened after it."""

    substance = models.ForeignKey(
        "substances.Substance",
        verbose_name=_("substance"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    stage = models.CharField(
        _("stage"), max_length=20, choices=ReviewStage.choices, default=ReviewStage.SURVEILLANCE
    )
    opened_on = models.DateField(_("under surveillance since"))
    # How many times the review went back to surveillance (kept under surveillance), plus one.
    round = models.PositiveSmallIntegerField(_("round"), default=1)
    last_step_on = models.DateField(_("last step on"))
    # The WHO recommendation.
    recommendation = models.CharField(
        _("recommendation"), max_length=16, choices=Recommendation.choices, blank=True
    )
    recommended_on = models.DateField(_("recommended on"), null=True, blank=True)
    convention = models.CharField(
        _("convention"), max_length=4, choices=Convention.choices, blank=True
    )
    schedule = models.CharField(_("schedule or table"), max_length=32, blank=True)
    # The Commission's vote.
    voted_on = models.DateField(_("voted on"), null=True, blank=True)
    decision = models.CharField(_("decision"), max_length=60, blank=True)
    vote_result = models.CharField(
        _("result of the vote"), max_length=10, choices=VoteResult.choices, blank=True
    )
    in_force_on = models.DateField(_("in force from"), null=True, blank=True)
    listing = models.ForeignKey(
        "substances.Listing",
        verbose_name=_("listing"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    opened_by = models.ForeignKey("core.User", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("scheduling review")
        verbose_name_plural = _("scheduling reviews")
        ordering = ["-last_step_on", "-pk"]
        indexes = [models.Index(fields=["stage", "-last_step_on"])]
        constraints = [
            models.UniqueConstraint(
                fields=["substance"],
                condition=models.Q(stage__in=[str(stage) for stage in OPEN_STAGES]),
                name="schedule_review_one_open_per_substance",
            ),
        ]

    def __str__(self) -> str:
        return f"review {self.pk} ({self.stage})"

    @property
    def is_open(self) -> bool:
        return self.stage in OPEN_STAGES

    @property
    def progress(self) -> int:
        """How far along the six stages the review went (1 to 6): a review closed without a
        listing counts the stage it reached."""
        if self.stage == ReviewStage.NOT_RECOMMENDED:
            return PIPELINE_STAGES.index(ReviewStage.RECOMMENDED) + 1
        if self.stage == ReviewStage.REJECTED:
            return PIPELINE_STAGES.index(ReviewStage.ADOPTED) + 1
        return PIPELINE_STAGES.index(self.stage) + 1


class ReviewStep(models.Model):
    """One step of a review's timeline: what happened, on which day, the stage it led to and
    its particulars (recommendation, vote, entry into force)."""

    review = models.ForeignKey(ScheduleReview, on_delete=models.CASCADE, related_name="steps")
    action = models.CharField(_("step"), max_length=20, choices=ReviewAction.choices)
    happened_on = models.DateField(_("date"))
    stage = models.CharField(_("stage"), max_length=20, choices=ReviewStage.choices)
    recommendation = models.CharField(max_length=16, choices=Recommendation.choices, blank=True)
    convention = models.CharField(max_length=4, choices=Convention.choices, blank=True)
    schedule = models.CharField(max_length=32, blank=True)
    decision = models.CharField(max_length=60, blank=True)
    vote_result = models.CharField(max_length=10, choices=VoteResult.choices, blank=True)
    note = models.TextField(_("note"), max_length=2000, blank=True)
    recorded_by = models.ForeignKey("core.User", on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("review step")
        verbose_name_plural = _("review steps")
        ordering = ["review", "happened_on", "pk"]

    def __str__(self) -> str:
        return f"{self.action} {self.happened_on}"
