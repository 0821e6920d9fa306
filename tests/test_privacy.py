"""A forwarded «Мой ремонт» link shows a first name and masked contacts only."""

import pytest

from dreame_service.kit import privacy


@pytest.mark.parametrize(
    ("full_name", "expected"),
    [
        ("Сатпаева Айгерим Нурлановна", "Айгерим"),
        ("Айгерим Нурлановна Сатпаева", "Айгерим"),
        ("Ержанов Нурлан Серикович", "Нурлан"),
        ("Серік Нұрланұлы", "Серік"),
        ("Айгерим Сатпаева", "Айгерим"),
        ("Aigerim", "Aigerim"),
        ("", ""),
    ],
)
def test_the_first_name_whichever_order_it_was_typed_in(full_name, expected):
    assert privacy.first_name(full_name) == expected


def test_a_phone_keeps_its_country_code_and_last_two_digits():
    assert privacy.mask_phone("+77012345678") == "+7 ••• ••• •• 78"
    assert privacy.mask_phone("") == "•••"


def test_an_email_keeps_its_first_letter_and_domain():
    assert privacy.mask_email("aigerim.s@mail.kz") == "a•••@mail.kz"
    assert privacy.mask_email("broken") == "•••"
