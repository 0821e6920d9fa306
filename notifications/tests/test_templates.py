import copy
import re
from pathlib import Path

import pytest
from django.conf import settings

from notifications.services import render_email
from notifications.tests.samples import CONTEXTS

EMAIL_DIR = Path(settings.BASE_DIR) / "templates" / "emails"
MISSING = "!!MISSING!!"
LANGUAGES = ["ru", "kk", "en"]


@pytest.fixture
def strict_templates(settings):
    """Make a variable the template asks for but the context lacks show up in the output."""
    templates = copy.deepcopy(settings.TEMPLATES)
    templates[0]["OPTIONS"]["string_if_invalid"] = MISSING
    settings.TEMPLATES = templates


def test_every_email_template_set_is_complete_and_sampled():
    events = {path.name.removesuffix("_subject.txt") for path in EMAIL_DIR.glob("*_subject.txt")}
    assert events == set(CONTEXTS)
    for event in events:
        assert (EMAIL_DIR / f"{event}_body.txt").exists()
        assert (EMAIL_DIR / f"{event}_body.html").exists()


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("template", sorted(CONTEXTS))
def test_it_renders_every_email_in_every_language_without_missing_variables(
    strict_templates, template, language
):
    subject, text, html = render_email(
        template=template, language=language, context=CONTEXTS[template]
    )

    assert subject and "\n" not in subject and len(subject) < 160
    for part in (subject, text, html):
        assert MISSING not in part
        assert "{{" not in part and "{%" not in part
    assert f'<html lang="{language}">' in html
    assert "dreamesupport@dreame.tech" in html or template.startswith("staff_")


@pytest.mark.parametrize("template", sorted(CONTEXTS))
def test_it_translates_subject_and_body_into_russian_and_kazakh(template):
    english = render_email(template=template, language="en", context=CONTEXTS[template])
    for language in ("ru", "kk"):
        subject, text, _html = render_email(
            template=template, language=language, context=CONTEXTS[template]
        )
        assert subject != english[0], f"{template} subject is not translated into {language}"
        assert text != english[1]
        assert re.search("[а-яА-ЯәғқңөұүһіӘҒҚҢӨҰҮҺІ]", subject)


def test_it_escapes_customer_text_in_html_but_keeps_it_readable_in_plain_text():
    _subject, text, html = render_email(
        template="staff_new_claim", language="ru", context=CONTEXTS["staff_new_claim"]
    )
    assert "<script>" not in html
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in html
    assert "Не заряжается <script>alert('x')</script>" in text
    assert "<b>Сатпаева</b>" not in html and "&lt;b&gt;Сатпаева&lt;/b&gt;" in html
    _subject, text, html = render_email(
        template="claim_approved", language="ru", context=CONTEXTS["claim_approved"]
    )
    # The customer is greeted without the typed name (issue 17): it is not there at all.
    assert "Сатпаева" not in html and "Сатпаева" not in text


def test_it_prints_dates_day_first_and_money_in_tenge():
    subject, text, _html = render_email(
        template="quote_sent", language="ru", context=CONTEXTS["quote_sent"]
    )
    assert "45 000 ₸" in subject and "45 000 ₸" in text
    _subject, text, html = render_email(
        template="product_received", language="kk", context=CONTEXTS["product_received"]
    )
    assert "25.11.2026" in text and "2026-11-25" not in text.split("http")[0]
    assert "order_number=7KQ2M9XW4D&amp;intake_date=2026-11-25" in html


# A full stop, comma or colon twice (issue 19: the consent ended in «..»), not an ellipsis.
DOUBLED_PUNCTUATION = re.compile(r"(?<!\.)[.,;:!?]\s*[.,;:!?](?!\.)")


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("template", sorted(CONTEXTS))
def test_no_email_doubles_its_punctuation(template, language):
    subject, text, html = render_email(
        template=template, language=language, context=CONTEXTS[template]
    )
    for part in (subject, text, re.sub(r"<[^>]+>", " ", html)):
        assert not DOUBLED_PUNCTUATION.search(part.replace("://", "")), part


@pytest.mark.parametrize(
    ("language", "label"),
    [("ru", "Бесплатный гарантийный ремонт"), ("en", "Free warranty repair")],
)
def test_it_names_the_verdict_for_support_not_in_the_customers_words(language, label):
    context = {**CONTEXTS["staff_new_claim"], "verdict": "free_repair"}
    _subject, text, html = render_email(
        template="staff_new_claim", language=language, context=context
    )
    assert label in text and label in html
    customer_words = render_email(template="claim_received", language=language, context=context)
    assert "not caused by the user" not in text and "не по вине" not in text
    assert customer_words[1] != text
