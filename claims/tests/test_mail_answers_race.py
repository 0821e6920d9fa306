"""A double click on «Отправить ответ» sent as two requests at once: one answer, one e-mail.

Real threads with their own PostgreSQL connections (SQLite has no row locks to test): the
claim's row lock makes the second request wait for the first one's commit and find its row.
"""

import pytest

from claims import mail_answers
from claims.models import Claim, StatusEvent
from claims.tests.factories import ClaimFactory
from notifications.models import Notification
from repairs.tests.races import race

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_the_same_form_sent_twice_at_once_answers_once(postgres_db):
    claim = ClaimFactory()

    def answer():
        return mail_answers.answer_by_email(
            claim=Claim.objects.get(pk=claim.pk), text="Ответ", by=None, form_token="c" * 32
        )

    outcomes = race(answer, answer)

    assert sorted(written for _event, written in outcomes) == [False, True], outcomes
    assert outcomes[0][0] == outcomes[1][0]
    assert StatusEvent.objects.filter(claim=claim, transition="email_answer").count() == 1
    assert Notification.objects.filter(template="support_answer").count() == 1
