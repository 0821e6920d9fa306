"""What every workbench test needs: a technician of one center logged in, and another center."""

import pytest
from django.test import Client

from repairs.tests.factories import TechnicianFactory


@pytest.fixture
def technician(db):
    return TechnicianFactory(user__first_name="Даурен", user__last_name="Касымов")


@pytest.fixture
def tech_client(technician):
    client = Client()
    client.force_login(technician.user)
    return client


@pytest.fixture
def other_technician(db):
    """A technician of another center: none of `technician`'s orders is theirs."""
    return TechnicianFactory()


@pytest.fixture
def other_client(other_technician):
    client = Client()
    client.force_login(other_technician.user)
    return client
