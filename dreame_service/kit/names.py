"""People's names as short as a page needs them: a surname for a shelf label, «Фамилия И.»
for whoever has an order. Pure: no ORM, no settings.

The claim form asks for «ФИО» in one box, so the words come in either order: the official
«Сатпаева Айгерим Нурлановна» or the everyday «Айгерим Нурлановна Сатпаева». A patronymic
(Russian -вна/-вич/-ична/-инична, Kazakh -қызы/-ұлы and their Russian spellings) tells
which; without one, a surname's usual ending does; else the first word, as in «ФИО».
"""

import re

PATRONYMIC = re.compile(r"(вна|вич|ична|ич|кызы|қызы|улы|ұлы|uly|kyzy|ovna|evna|ovich|evich)$")
SURNAME = re.compile(r"(ов|ова|ев|ева|ёв|ёва|ин|ина|ын|ына|ский|ская|цкий|цкая|енко|ко|ук|юк)$")


def surname_of(full_name: str) -> str:
    """The surname in a «ФИО» typed in any order: «Айгерим Нурлановна Сатпаева» → «Сатпаева»."""
    words = full_name.split()
    if len(words) < 2:
        return words[0] if words else ""
    lowered = [word.lower() for word in words]
    patronymics = [i for i, word in enumerate(lowered) if PATRONYMIC.search(word)]
    if patronymics and len(words) >= 3:
        # «Имя Отчество Фамилия» puts the patronymic before the surname, «ФИО» last.
        return words[0] if patronymics[-1] == len(words) - 1 else words[-1]
    first_is, last_is = (bool(SURNAME.search(lowered[i])) for i in (0, -1))
    if last_is and not first_is:
        return words[-1]
    return words[0]


def short_name(*, first_name: str, last_name: str, username: str = "") -> str:
    """«Касымов Д.»: the surname and the first initial; the login when no name is known."""
    first_name, last_name = first_name.strip(), last_name.strip()
    if last_name and first_name:
        return f"{last_name} {first_name[0].upper()}."
    return last_name or first_name or username
