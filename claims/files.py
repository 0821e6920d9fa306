"""Private files (receipts, attachments, intake photos) as a response, for views that have
already checked who may see them. Never a public URL."""

from pathlib import PurePosixPath

from django.core.files.storage import FileSystemStorage
from django.http import FileResponse
from django.shortcuts import redirect

from claims import uploads


def private_file_response(field_file, *, filename_stem: str):
    """Streamed from the private folder, or a redirect to a short-lived signed S3 URL."""
    storage = field_file.storage
    if not isinstance(storage, FileSystemStorage):
        return redirect(_signed_url(storage, field_file.name, filename_stem=filename_stem))
    handle = field_file.open("rb")
    kind = uploads.sniff_kind(handle.read(16))
    handle.seek(0)
    response = FileResponse(
        handle,
        as_attachment=kind not in uploads.IMAGE_KINDS,  # PDFs download, not open here
        filename=f"{filename_stem}{uploads.EXTENSIONS.get(kind or '', '')}",
        content_type=uploads.CONTENT_TYPES.get(kind or "", "application/octet-stream"),
    )
    response["Content-Security-Policy"] = "sandbox"
    return response


def _signed_url(storage, name: str, *, filename_stem: str) -> str:
    """The bucket answers with the same name and disposition as the folder would: PDFs
    download as `<stem>.pdf`, images open in place. The stored kind is in the generated
    name's extension (uploads.validate_receipt and the act's PDF set it)."""
    extension = PurePosixPath(name).suffix.lower()
    disposition = "attachment" if extension == ".pdf" else "inline"
    header = f'{disposition}; filename="{filename_stem}{extension}"'
    return storage.url(name, parameters={"ResponseContentDisposition": header})
