"""What the customer decides through «Мой ремонт»: a quote's answer and a rating."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from claims.models import StatusEvent
from repairs.models.centers import ServiceCenter
from repairs.models.orders import RepairOrder


class QuoteConsent(models.Model):
    """The customer's written answer to a paid-repair quote, given online.

    What a dispute needs: when, the amount and what it covered, the exact wording the
    customer was shown (in their language), and from where, hashed with the site's key
    so the address itself is not kept, and the lines it listed (`lines`, as they were). A
    quote is answered once (`one_answer_per_quote`); a revised estimate is a new quote, so
    the earlier answer is kept, marked `superseded_at`, and the customer answers again.
    """

    class Decision(models.TextChoices):
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")

    repair_order = models.ForeignKey(
        RepairOrder,
        verbose_name=_("repair order"),
        on_delete=models.CASCADE,
        related_name="quote_consents",
    )
    decision = models.CharField(_("decision"), max_length=10, choices=Decision.choices)
    amount = models.DecimalField(_("amount, KZT"), max_digits=12, decimal_places=0)
    description = models.TextField(_("what the quote covered"), blank=True)
    wording = models.TextField(_("wording shown to the customer"))
    language = models.CharField(_("language of the wording"), max_length=5)
    client_address_hash = models.CharField(_("client address (keyed hash)"), max_length=64)
    status_event = models.OneToOneField(
        StatusEvent,
        verbose_name=_("history row"),
        on_delete=models.PROTECT,
        related_name="quote_consent",
    )
    lines = models.JSONField(_("lines of the quote"), default=list, blank=True)
    decided_at = models.DateTimeField(_("decided at"), auto_now_add=True)
    superseded_at = models.DateTimeField(_("replaced by a revised quote at"), null=True, blank=True)

    class Meta:
        ordering = ["decided_at", "pk"]
        verbose_name = _("quote decision")
        verbose_name_plural = _("quote decisions")
        constraints = [
            models.UniqueConstraint(
                fields=["repair_order"],
                condition=models.Q(superseded_at__isnull=True),
                name="one_answer_per_quote",
            )
        ]

    def __str__(self):
        return f"{self.repair_order}: {self.get_decision_display()}"


class ServiceRating(models.Model):
    """The customer's rating of the service after delivery: once per order."""

    SCORES = range(1, 6)
    COMMENT_MAX = 1000

    repair_order = models.OneToOneField(
        RepairOrder,
        verbose_name=_("repair order"),
        on_delete=models.CASCADE,
        related_name="rating",
    )
    # The center that did the work, kept here so per-center figures are one GROUP BY.
    service_center = models.ForeignKey(
        ServiceCenter,
        verbose_name=_("service center"),
        on_delete=models.PROTECT,
        related_name="ratings",
    )
    score = models.PositiveSmallIntegerField(
        _("score"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    comment = models.TextField(_("comment"), blank=True, max_length=COMMENT_MAX)
    created_at = models.DateTimeField(_("rated at"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("service rating")
        verbose_name_plural = _("service ratings")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(score__gte=1, score__lte=5), name="rating_score_1_to_5"
            )
        ]
        # The dashboard's average per center, read off the index (issue 23).
        indexes = [models.Index(fields=["service_center", "score"], name="rating_center_score")]

    def __str__(self):
        return f"{self.repair_order}: {self.score}"
