import factory
from django.contrib.auth.models import Group, User

from repairs.models import ServiceCenter, Technician


class ServiceCenterFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ServiceCenter

    name = factory.Sequence(lambda n: f"Сервис-центр №{n}")
    city = "Алматы"
    postal_address = "050000, г. Алматы, пр. Достык, 100"
    phone = "+77272000000"
    email = factory.Sequence(lambda n: f"center{n}@service.kz")
    whatsapp = "+77012000000"
    working_hours = "Пн–Пт 9:00–18:00"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.Sequence(lambda n: f"user{n}@dreame.kz")
    password = factory.PostGenerationMethodCall("set_password", "pass-Word-123")


class SupportUserFactory(UserFactory):
    is_staff = True

    @factory.post_generation
    def groups(self, create, extracted, **kwargs):
        self.groups.add(Group.objects.get(name="support"))


class TechnicianFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Technician

    user = factory.SubFactory(UserFactory)
    service_center = factory.SubFactory(ServiceCenterFactory)

    @factory.post_generation
    def groups(self, create, extracted, **kwargs):
        self.user.groups.add(Group.objects.get(name="technicians"))
