"""The workbench's own login and logout: in the site's look and language, not the admin's."""

from django import forms
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from repairs.selectors import technician_of


class TechnicianLoginForm(AuthenticationForm):
    error_messages = {
        **AuthenticationForm.error_messages,
        "not_technician": _("This login is for service center technicians."),
    }

    def confirm_login_allowed(self, user):
        super().confirm_login_allowed(user)
        if technician_of(user) is None:
            raise forms.ValidationError(
                self.error_messages["not_technician"], code="not_technician"
            )


class LoginView(auth_views.LoginView):
    template_name = "repairs/workbench/login.html"
    authentication_form = TechnicianLoginForm
    redirect_authenticated_user = False
    next_page = "workbench:queue"  # a URL name: resolve_url() reverses it


class LogoutView(auth_views.LogoutView):
    next_page = "workbench:login"
