from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from modeltranslation.manager import MultilingualManager
from phonenumber_field.modelfields import PhoneNumberField

from dreame_service.kit.names import short_name


class ServiceCenter(models.Model):
    name = models.CharField(_("name"), max_length=150)
    city = models.CharField(_("city"), max_length=100)
    postal_address = models.CharField(_("postal address"), max_length=255)
    phone = PhoneNumberField(_("phone"))
    email = models.EmailField(_("e-mail"))
    whatsapp = PhoneNumberField(_("WhatsApp"), blank=True)
    working_hours = models.CharField(_("working hours"), max_length=150)
    is_active = models.BooleanField(_("active"), default=True)

    objects = MultilingualManager()  # reads the active language's fields

    class Meta:
        ordering = ["city", "name"]
        verbose_name = _("service center")
        verbose_name_plural = _("service centers")

    def __str__(self):
        return f"{self.name} ({self.city})"


class Technician(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="technician",
    )
    service_center = models.ForeignKey(
        ServiceCenter,
        verbose_name=_("service center"),
        on_delete=models.PROTECT,
        related_name="technicians",
    )

    class Meta:
        verbose_name = _("technician")
        verbose_name_plural = _("technicians")

    def __str__(self):
        return f"{self.user.get_full_name() or self.user.username} — {self.service_center.name}"

    @property
    def short_name(self) -> str:
        """«Касымов Д.», as the order page and the history name whoever has an order."""
        return short_name(
            first_name=self.user.first_name,
            last_name=self.user.last_name,
            username=self.user.get_username(),
        )
