"""The scheduling pipeline's choices (stages, recommendations, conventions, results,
steps): a module of their own, so pages and the API name them without importing the
models."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ReviewStage(models.TextChoices):
    """Where a review stands. The first six are the pipeline's columns in order; the last two
    end a review without a listing."""

    SURVEILLANCE = "surveillance", _("Surveillance")
    PRE_REVIEW = "pre_review", _("WHO pre-review")
    CRITICAL_REVIEW = "critical_review", _("WHO critical review")
    RECOMMENDED = "recommended", _("Recommended for scheduling")
    ADOPTED = "adopted", _("Scheduling decided by the Commission")
    IN_FORCE = "in_force", _("Listing in force")
    NOT_RECOMMENDED = "not_recommended", _("Not recommended for scheduling")
    REJECTED = "rejected", _("Rejected by the Commission")


PIPELINE_STAGES = (
    ReviewStage.SURVEILLANCE,
    ReviewStage.PRE_REVIEW,
    ReviewStage.CRITICAL_REVIEW,
    ReviewStage.RECOMMENDED,
    ReviewStage.ADOPTED,
    ReviewStage.IN_FORCE,
)
CLOSED_STAGES = (ReviewStage.IN_FORCE, ReviewStage.NOT_RECOMMENDED, ReviewStage.REJECTED)
OPEN_STAGES = tuple(stage for stage in ReviewStage if stage not in CLOSED_STAGES)


class Recommendation(models.TextChoices):
    SCHEDULE = "schedule", _("Schedule")
    NOT_SCHEDULE = "not_schedule", _("Not to schedule")
    KEEP_UNDER_SURVEILLANCE = "surveillance", _("Keep under surveillance")


class Convention(models.TextChoices):
    """The conventions a substance may be scheduled under (the registry's instruments)."""

    C1961 = "1961", _("Single Convention on Narcotic Drugs, 1961")
    C1971 = "1971", _("Convention on Psychotropic Substances, 1971")
    C1988 = "1988", _("Convention against Illicit Traffic, 1988")


class VoteResult(models.TextChoices):
    ADOPTED = "adopted", _("Adopted")
    REJECTED = "rejected", _("Rejected")


class ReviewAction(models.TextChoices):
    """The steps, as the timeline names them."""

    OPEN = "open", _("Placed under surveillance")
    PRE_REVIEW = "pre_review", _("WHO pre-review begun")
    CRITICAL_REVIEW = "critical_review", _("WHO critical review begun")
    RECOMMEND = "recommend", _("WHO recommendation")
    VOTE = "vote", _("Vote of the Commission")
    ENTER_INTO_FORCE = "enter_into_force", _("Entry into force")
