"""Short names: a surname for the shelf label, «Фамилия И.» for whoever has an order."""

import pytest

from dreame_service.kit.names import short_name, surname_of


@pytest.mark.parametrize(
    ("full_name", "surname"),
    [
        ("Сатпаева Айгерим Нурлановна", "Сатпаева"),  # «ФИО», the official order
        ("Айгерим Нурлановна Сатпаева", "Сатпаева"),  # name, patronymic, surname
        ("Касымов Даурен Ерланович", "Касымов"),
        ("Даурен Ерланович Касымов", "Касымов"),
        ("Нурлан Сапарұлы Әбдіқадыров", "Әбдіқадыров"),  # a Kazakh patronymic
        ("Әбдіқадыров Нурлан Сапарұлы", "Әбдіқадыров"),
        ("Айгерим Сатпаева", "Сатпаева"),  # only the last word has a surname's ending
        ("Сатпаева Айгерим", "Сатпаева"),
        ("Ли Айдана", "Ли"),  # no ending tells: the first word, as in «ФИО»
        ("  Ким  ", "Ким"),
        ("", ""),
        ("   ", ""),
    ],
)
def test_it_finds_the_surname_in_a_full_name_typed_in_either_order(full_name, surname):
    assert surname_of(full_name) == surname


@pytest.mark.parametrize(
    ("first", "last", "username", "shown"),
    [
        ("Даурен", "Касымов", "dk", "Касымов Д."),
        ("даурен", "Касымов", "dk", "Касымов Д."),
        ("", "Касымов", "dk", "Касымов"),
        ("Даурен", "", "dk", "Даурен"),
        ("", "", "dk", "dk"),
    ],
)
def test_it_writes_a_technician_as_surname_and_initial(first, last, username, shown):
    assert short_name(first_name=first, last_name=last, username=username) == shown
