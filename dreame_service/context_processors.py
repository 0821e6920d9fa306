from django.conf import settings


def site(request):
    """Values every page template needs: the support contacts in the footer."""
    return {"SUPPORT_EMAIL": settings.SUPPORT_EMAIL, "SUPPORT_PHONE": settings.SUPPORT_PHONE}
