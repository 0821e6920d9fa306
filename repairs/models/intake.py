from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Upper
from django.utils import translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from modeltranslation.manager import MultilingualManager

from claims.models import ProductCategory, Verdict
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
    # A product handed over at the counter is signed for by the customer (a PNG drawn on the
    # tablet); a posted one is marked as received by post instead.
    received_by_post = models.BooleanField(_("received by post or courier"), default=False)
    signature = models.FileField(
        _("customer's signature"), upload_to="signatures/%Y/%m/", blank=True
    )
    serial_number = models.CharField(_("serial number on the product"), max_length=64)
    completeness = models.TextField(_("completeness and accessories"))
    condition = models.TextField(_("visible condition and damage"))
    has_receipt = models.BooleanField(_("receipt enclosed"), default=False)
    has_warranty_card = models.BooleanField(_("warranty card enclosed"), default=False)
    is_warranty_card_stamped = models.BooleanField(
        _("warranty card stamped by the seller"), default=False
    )
    # The checklist's items as they read on the day of intake, each in every language
    # ({"ru": …, "kk": …, "en": …}): the act reads them in its own language, whatever
    # support renames later. `completeness` keeps the same in Russian, for the file.
    accessories = models.JSONField(_("accessories received"), default=list, blank=True)
    accessories_missing = models.JSONField(_("accessories missing"), default=list, blank=True)
    other_items = models.CharField(_("anything else in the parcel"), max_length=300, blank=True)
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

    @property
    def completeness_text(self) -> str:
        """«present: …; missing: …; also: …» in the active language (the act's, the
        e-mail's, the reader's) from the ticked checklist; an act written without the
        checklist (by hand, in admin, before issue 19) reads as it was written."""
        items = [*self.accessories, *self.accessories_missing]
        if not (items or self.other_items) or any(isinstance(item, str) for item in items):
            return self.completeness
        return completeness_summary(
            present=[item_text(item) for item in self.accessories],
            missing=[item_text(item) for item in self.accessories_missing],
            other=self.other_items,
        )


def item_text(item: dict[str, str], language: str | None = None) -> str:
    """A checklist item as an act keeps it, in `language` (the active one by default),
    else in Russian, else in any language it has."""
    language = language or translation.get_language() or settings.LANGUAGE_CODE
    return item.get(language) or item.get(settings.LANGUAGE_CODE) or next(iter(item.values()), "")


def completeness_summary(*, present: list[str], missing: list[str], other: str) -> str:
    """The act's completeness line in the active language."""
    parts = [gettext("present: %(items)s") % {"items": ", ".join(present) or "—"}]
    if missing:
        parts.append(gettext("missing: %(items)s") % {"items": ", ".join(missing)})
    if other:
        parts.append(gettext("also: %(items)s") % {"items": other})
    return "; ".join(parts)


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
    items are written in ru, kk and en (repairs.translation), one per line, line by line
    the same items. The category `other` (claims.reference_data) serves products typed by
    hand and categories without a list of their own.
    """

    category = models.OneToOneField(
        ProductCategory,
        verbose_name=_("product category"),
        on_delete=models.CASCADE,
        related_name="checklist",
    )
    items = models.TextField(
        _("items, one per line"),
        help_text=_("The same items, in the same order, in every language."),
    )

    objects = MultilingualManager()  # reads the active language's fields

    class Meta:
        ordering = ["category__code"]
        verbose_name = _("accessory checklist")
        verbose_name_plural = _("accessory checklists")

    def __str__(self):
        return str(self.category)

    def clean(self):
        counts = {language: len(self.item_list(language)) for language in translated_languages()}
        wanted = counts[settings.LANGUAGE_CODE]
        message = _("Each language needs the same items, one per line: now %(counts)s.") % {
            "counts": ", ".join(f"{language}: {count}" for language, count in counts.items())
        }
        errors = {
            f"items_{language}": message
            for language, count in counts.items()
            if count != wanted and getattr(self, f"items_{language}", None)
        }
        if errors:
            raise ValidationError(errors)

    def item_list(self, language: str | None = None) -> list[str]:
        """The items in `language` (the active one by default), Russian where missing."""
        text = getattr(self, f"items_{language}", "") if language else self.items
        return [line.strip() for line in (text or "").splitlines() if line.strip()]

    def items_in_every_language(self) -> list[dict[str, str]]:
        """Each item as {"ru": …, "kk": …, "en": …}, as an act keeps it."""
        russian = self.item_list(settings.LANGUAGE_CODE)
        columns = {language: self.item_list(language) for language in translated_languages()}
        return [
            {
                language: (column[index] if index < len(column) else russian[index])
                for language, column in columns.items()
            }
            for index in range(len(russian))
        ]


def translated_languages() -> list[str]:
    return [code for code, _name in settings.LANGUAGES]
