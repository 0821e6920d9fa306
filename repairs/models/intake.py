from django.conf import settings
from django.db import models
from django.db.models.functions import Upper
from django.utils.translation import gettext_lazy as _

from claims.models import Verdict
from repairs.models.orders import RepairOrder


class IntakeAct(models.Model):
    """Акт приемки: what the center received, written by the technician at intake."""

    class ConditionMark(models.TextChoices):
        SCRATCHES = "scratches", _("Scratches")
        CRACKS = "cracks", _("Cracks")
        DENTS = "dents", _("Dents")
        MISSING_PARTS = "missing_parts", _("Missing parts")
        LIQUID = "liquid", _("Traces of liquid")

    repair_order = models.OneToOneField(
        RepairOrder,
        verbose_name=_("repair order"),
        on_delete=models.CASCADE,
        related_name="intake_act",
    )
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("received by"),
        on_delete=models.PROTECT,
        related_name="intake_acts",
    )
    created_at = models.DateTimeField(_("written at"), auto_now_add=True)
    serial_number = models.CharField(_("serial number on the product"), max_length=64)
    completeness = models.TextField(_("completeness and accessories"))
    condition = models.TextField(_("visible condition and damage"))
    has_receipt = models.BooleanField(_("receipt enclosed"), default=False)
    has_warranty_card = models.BooleanField(_("warranty card enclosed"), default=False)
    is_warranty_card_stamped = models.BooleanField(
        _("warranty card stamped by the seller"), default=False
    )
    accessories = models.JSONField(_("accessories received"), default=list, blank=True)
    condition_marks = models.JSONField(_("visible damage"), default=list, blank=True)
    fault_found = models.TextField(_("fault found at intake"), blank=True)
    verdict_reason = models.TextField(_("why the verdict differs"), blank=True)
    pdf = models.FileField(_("act as PDF"), upload_to="acts/%Y/%m/", blank=True)
    final_verdict = models.CharField(_("verdict at intake"), max_length=20, choices=Verdict.choices)
    is_user_fault = models.BooleanField(_("damage caused by the user"), default=False)
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        verbose_name = _("intake act")
        verbose_name_plural = _("intake acts")
        indexes = [models.Index(Upper("serial_number"), name="intakeact_serial_upper")]

    def __str__(self):
        return str(self.repair_order)


class IntakePhoto(models.Model):
    """A photo of the product taken at intake: private, typed by content like the receipt."""

    MAX_PER_ACT = 8

    intake_act = models.ForeignKey(
        IntakeAct, verbose_name=_("intake act"), on_delete=models.CASCADE, related_name="photos"
    )
    file = models.FileField(_("photo"), upload_to="intake/%Y/%m/")
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at", "pk"]
        verbose_name = _("intake photo")
        verbose_name_plural = _("intake photos")

    def __str__(self):
        return self.file.name


class AccessoryChecklist(models.Model):
    """What a complete product of one category includes, ticked off at intake.

    Data, not code: support edits it in admin when a new category or kit arrives. The
    category matches `claims.ProductModel.category`; the row with an empty category serves
    products typed by hand.
    """

    category = models.CharField(_("product category"), max_length=80, unique=True, blank=True)
    items = models.TextField(_("items, one per line"))

    class Meta:
        ordering = ["category"]
        verbose_name = _("accessory checklist")
        verbose_name_plural = _("accessory checklists")

    def __str__(self):
        return self.category or str(_("Any other product"))

    @property
    def item_list(self) -> list[str]:
        return [line.strip() for line in self.items.splitlines() if line.strip()]
