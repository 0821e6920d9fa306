"""The history's automatic notes: lines the portal writes itself («Answered online through
«My repair»: quote accepted, 45 000 ₸.»). A history row keeps the note's code and values
(`StatusEvent.note_code`, `note_params`); its text is data (`AutoNote`, in ru, kk and en,
editable by support) and is read in the reader's language when the row is shown.

A page reads the texts once, on its first automatic note (`NoteReader`): a history
without one costs no query, and an edit in the admin shows on the next page.
"""

import logging
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.utils import translation
from django.utils.text import capfirst
from django.utils.translation import gettext

from claims.models import AutoNote, Claim, StatusEvent, Verdict
from dreame_service.kit.formats import format_kzt

logger = logging.getLogger(__name__)

QUOTE_ACCEPTED_ONLINE = "quote_accepted_online"
QUOTE_DECLINED_ONLINE = "quote_declined_online"
VERDICT_OVERRIDDEN = "verdict_overridden"
FINAL_VERDICT_CHANGED = "final_verdict_changed"
ORDER_REASSIGNED = "order_reassigned"
DATA_CORRECTED = "data_corrected"
ORDER_OWNER_CHANGED = "order_owner_changed"
FAULT_FOUND = "fault_found"


def _verdict(code: str) -> str:
    return str(dict(Verdict.choices).get(code, "—"))


def _owner(name: str) -> str:
    """The technician's name as kept (names are not translated), or «не назначен»."""
    return name or gettext("not assigned")


def _in_reader_language(words: dict) -> str:
    """Data kept in every language (a center's name: {"ru", "kk", "en"}), in the reader's."""
    language = translation.get_language() or settings.LANGUAGE_CODE
    return str(words.get(language) or words.get(settings.LANGUAGE_CODE) or "—")


def _corrections(changes: list) -> str:
    """[[field, old, new], …] as «Телефон: +7… → +7…» lines, each field's name in the
    reader's language; the values as they were typed."""
    lines = []
    for field, old, new in changes:
        model_field = Claim._meta.get_field(field)
        label = getattr(model_field, "verbose_name", field)  # the claim's own fields have one
        lines.append(f"{capfirst(str(label))}: {old} → {new}")
    return "\n".join(lines)


# How a value is shown to the reader; a value not named here is shown as it was kept
# (what a person typed, like a reason, stays as typed).
PARAM_FORMATS: dict[str, Callable[[Any], str]] = {
    "amount": format_kzt,
    "old": _verdict,
    "new": _verdict,
    "from_center": _in_reader_language,
    "to_center": _in_reader_language,
    "changes": _corrections,
    "old_owner": _owner,
    "new_owner": _owner,
    "fault": _in_reader_language,
}


def note_texts() -> dict[str, dict[str, str]]:
    """{code: {language: text}} for every automatic note: one query."""
    languages = [code for code, _name in settings.LANGUAGES]
    return {
        note.code: {lang: getattr(note, f"text_{lang}") or "" for lang in languages}
        for note in AutoNote.objects.all()
    }


def format_note(texts: dict[str, str], code: str, params: dict, *, language: str) -> str:
    """One note's text (`texts`: by language) in `language`, Russian where that one is
    missing, with its values shown for the reader; the bare code if there is no text or
    the text cannot take the values (support's edit lost a `%(name)s`)."""
    with translation.override(language):
        values = {
            name: PARAM_FORMATS.get(name, str)(value) for name, value in (params or {}).items()
        }
    for text in (texts.get(language), texts.get(settings.LANGUAGE_CODE)):
        if not text:
            continue
        try:
            return text % values
        except (KeyError, ValueError, TypeError):
            logger.warning("Automatic note %s does not fit its values %s", code, values)
    return code


class NoteReader:
    """Reads the automatic notes of one page in the active language; the texts are loaded
    on the first note, once."""

    def __init__(self) -> None:
        self._texts: dict[str, dict[str, str]] | None = None

    def text(self, code: str, params: dict) -> str:
        if not code:
            return ""
        if self._texts is None:
            self._texts = note_texts()
        language = translation.get_language() or settings.LANGUAGE_CODE
        return format_note(self._texts.get(code, {}), code, params, language=language)

    def staff_note(self, event: StatusEvent) -> str:
        """The row's internal note as staff read it: the automatic note, then what was typed."""
        auto = self.text(event.note_code, event.note_params)
        return "\n".join(part for part in (auto, event.internal_note) if part)


def attach_note(event: StatusEvent, *, code: str, params: dict) -> StatusEvent:
    """Give a history row just written its automatic note (in the row's transaction)."""
    event.note_code, event.note_params = code, params
    event.save(update_fields=["note_code", "note_params"])
    return event
