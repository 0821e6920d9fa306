"""Personal data shown sparingly: a page reached by a forwarded link shows a first name and
masked contacts, enough for the customer to recognise their own claim and no more."""

BULLET = "•"


# How patronymics end in Russian and Kazakh (Нурлановна, Серикович, Нурланұлы, Асанқызы).
PATRONYMIC_ENDINGS = ("вич", "вна", "ична", "улы", "ұлы", "кызы", "қызы")


def _is_patronymic(word: str) -> bool:
    return word.lower().endswith(PATRONYMIC_ENDINGS)


def first_name(full_name: str) -> str:
    """The name to greet with, whichever order the customer typed their full name in:
    «Сатпаева Айгерим Нурлановна» and «Айгерим Нурлановна Сатпаева» both give «Айгерим»
    (the word before the patronymic); without one, the first word."""
    words = full_name.split()
    for index, word in enumerate(words[1:], start=1):
        if _is_patronymic(word):
            return words[index - 1]
    return words[0] if words else ""


def mask_phone(e164: str) -> str:
    """+77012345678 -> «+7 ••• ••• •• 78»: the country code and the last two digits."""
    digits = e164.lstrip("+")
    if len(digits) < 4:
        return BULLET * 3
    return f"+{digits[0]} {BULLET * 3} {BULLET * 3} {BULLET * 2} {digits[-2:]}"


def mask_email(email: str) -> str:
    """aigerim.s@mail.kz -> «a•••@mail.kz»: the first letter and the domain."""
    local, at, domain = email.partition("@")
    if not at or not local:
        return BULLET * 3
    return f"{local[0]}{BULLET * 3}@{domain}"
