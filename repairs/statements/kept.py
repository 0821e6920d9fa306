"""A statement's files kept in the private storage, one per version and language.

A big center's month holds thousands of lines: its PDF takes WeasyPrint about a minute and
its XLSX a second or two (docs/benchmarks.md). A statement changes only by its steps, and
each writes a history event, so the latest event's id names the statement as it stands: a
file made for it is served as long as nothing changes, and the older ones are forgotten.
"""

from collections.abc import Callable

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.http import FileResponse
from django.utils import translation

from repairs.models import Statement

FOLDER = "statements"


def version_of(statement: Statement) -> int:
    """The statement as it stands: its latest event (prepared, disputed, accepted, approved)."""
    return statement.events.order_by("-pk").values_list("pk", flat=True).first() or 0


def stored_name(statement: Statement, *, version: int, language: str, extension: str) -> str:
    return f"{FOLDER}/{statement.pk}/{version}-{language}.{extension}"


def keep(
    statement: Statement,
    *,
    version: int,
    language: str,
    extension: str,
    make: Callable[[], bytes],
) -> str:
    """The file's name in the storage, made with `make` (in `language`) if not kept yet."""
    name = stored_name(statement, version=version, language=language, extension=extension)
    if not default_storage.exists(name):
        with translation.override(language):
            default_storage.save(name, ContentFile(make()))
        _forget_older(statement, version=version)
    return name


def _forget_older(statement: Statement, *, version: int) -> None:
    folder = f"{FOLDER}/{statement.pk}"
    _dirs, files = default_storage.listdir(folder)
    for file in files:
        if int(file.split("-", 1)[0]) < version:
            default_storage.delete(f"{folder}/{file}")


def download(name: str, *, filename: str, content_type: str) -> FileResponse:
    return FileResponse(
        default_storage.open(name), as_attachment=True, filename=filename, content_type=content_type
    )
