"""Private files (receipts, attachments, intake photos) as a response, for views that have
already checked who may see them. Never a public URL."""

from django.core.files.storage import FileSystemStorage
from django.http import FileResponse
from django.shortcuts import redirect

from claims import uploads


def private_file_response(field_file, *, filename_stem: str):
    """Streamed from the private folder, or a redirect to a short-lived signed S3 URL."""
    storage = field_file.storage
    if not isinstance(storage, FileSystemStorage):
        return redirect(storage.url(field_file.name))
    handle = field_file.open("rb")
    kind = uploads.sniff_kind(handle.read(16))
    handle.seek(0)
    response = FileResponse(
        handle,
        as_attachment=kind not in uploads.PILLOW_FORMATS,  # PDFs download, not open here
        filename=f"{filename_stem}{uploads.EXTENSIONS.get(kind, '')}",
        content_type=uploads.CONTENT_TYPES.get(kind, "application/octet-stream"),
    )
    response["Content-Security-Policy"] = "sandbox"
    return response
