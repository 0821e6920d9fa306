from repairs.models import ServiceCenter


def active_centers():
    return ServiceCenter.objects.filter(is_active=True)
