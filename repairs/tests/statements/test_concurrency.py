"""Statements under concurrent clicks, on PostgreSQL: two "prepare" of one month make one
statement with one set of lines; an approval and a dispute at once leave a consistent result."""

import pytest

from repairs.models import Statement, StatementLine
from repairs.statements.services import (
    approve_statement,
    dispute_statement_line,
    prepare_statement,
)
from repairs.tests.factories import SupportUserFactory, TechnicianFactory
from repairs.tests.races import race
from repairs.tests.statements.builders import MONTH, in_october, quick_warranty_orders

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_two_prepares_of_one_month_make_one_statement(postgres_db):
    center = TechnicianFactory().service_center
    quick_warranty_orders(center=center, count=3, finished=in_october(10))

    outcomes = race(
        lambda: prepare_statement(service_center=center, month=MONTH),
        lambda: prepare_statement(service_center=center, month=MONTH),
    )

    assert all(isinstance(outcome, Statement) for outcome in outcomes), outcomes
    assert Statement.objects.count() == 1
    assert StatementLine.objects.count() == 6


def test_a_dispute_racing_the_approval_is_either_in_the_frozen_totals_or_refused(postgres_db):
    center = TechnicianFactory().service_center
    support = SupportUserFactory()
    quick_warranty_orders(center=center, count=2, finished=in_october(10))
    statement = prepare_statement(service_center=center, month=MONTH)
    line = statement.lines.filter(kind="part").first()

    race(
        lambda: approve_statement(statement=statement, by=support),
        lambda: dispute_statement_line(line=line, by=support, reason="Цена"),
    )

    statement.refresh_from_db()
    line.refresh_from_db()
    assert statement.is_approved
    expected = 25000 - (10000 if line.state == StatementLine.State.DISPUTED else 0)
    assert statement.total == expected
