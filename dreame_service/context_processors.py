from django.conf import settings

# The navigation item a path belongs to, longest prefix first; it marks aria-current and
# keys the cached navigation fragment (so arbitrary paths cannot multiply cache entries).
NAV_SECTIONS = (
    ("/partners/repair-status/", "status"),
    ("/partners/", "partners"),
    ("/warranty/", "warranty"),
    ("/claims/", "claims"),
)


def site(request):
    """Values every page template needs: the support contacts, the current nav section."""
    path = request.path
    section = "home" if path == "/" else ""
    for prefix, name in NAV_SECTIONS:
        if path.startswith(prefix):
            section = name
            break
    return {
        "SUPPORT_EMAIL": settings.SUPPORT_EMAIL,
        "SUPPORT_PHONE": settings.SUPPORT_PHONE,
        "nav_section": section,
    }
