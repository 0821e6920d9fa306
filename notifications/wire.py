"""An outbox e-mail as the bytes SMTP carries, built with the standard library's
legacy (compat32) e-mail API.

Django's `EmailMessage.message()` builds with the modern API, whose header registry
parses every header into a tree when it is set and refolds it when it is written. For the
outbox's own e-mails, whose headers the outbox writes itself, that was the largest part of
the worker's time per e-mail (issue 23: 1.3 of 2.9 ms). The legacy API writes the same
message in a quarter of the time. tests/test_wire.py parses both, for every template in
every language, and finds the same headers, bodies and attachments.

Only the SMTP path uses these bytes. The tests' in-memory backend and development's file
backend still get Django's message.
"""

import datetime
import email.encoders
import email.policy
import email.utils
import functools
import secrets
from email.charset import QP, Charset
from email.header import Header
from email.headerregistry import AddressHeader, HeaderRegistry
from email.message import Message
from email.mime.base import MIMEBase
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.policy import Compat32

from django.core.mail import EmailMultiAlternatives
from django.utils.encoding import punycode

# As Django's modern builder: UTF-8 text goes as 8bit, unless a line is longer than SMTP
# carries (998 bytes), which quoted-printable shortens.
_EIGHT_BIT = Charset("utf-8")
_EIGHT_BIT.body_encoding = None  # type: ignore[assignment]  # None: 7bit or 8bit, as needed
_QUOTED_PRINTABLE = Charset("utf-8")
_QUOTED_PRINTABLE.body_encoding = QP
_LONGEST_LINE = 998


class _Policy(Compat32):
    """compat32, except that a short ASCII header is written as it is: the stdlib runs
    every header through its folding machinery, a third of the time a message took."""

    def fold_binary(self, name, value):
        if (
            isinstance(value, str)
            and value.isascii()
            and len(name) + len(value) + 2 <= self.max_line_length
        ):
            return f"{name}: {value}{self.linesep}".encode("ascii")
        return super().fold_binary(name, value)


_POLICY = _Policy(linesep="\r\n")
_ADDRESS_HEADERS = ("From", "To", "Reply-To")


def wire_bytes(message: EmailMultiAlternatives) -> bytes:
    """The message's bytes for SMTP DATA, CRLF line ends, before dot-stuffing."""
    root = _bodies(message)
    if message.attachments:
        mixed = MIMEMultipart("mixed", boundary=_boundary())
        mixed.attach(root)
        for attachment in message.attachments:
            mixed.attach(_attachment(*attachment))
        root = mixed
    _set(root, "Subject", _text_header(str(message.subject)))
    _set(root, "From", _addresses([message.from_email]))
    _set(root, "To", _addresses(message.to))
    if message.reply_to:
        _set(root, "Reply-To", _addresses(message.reply_to))
    _set(root, "Date", email.utils.format_datetime(datetime.datetime.now(datetime.UTC)))
    for name, value in message.extra_headers.items():
        if name.title() in _ADDRESS_HEADERS or name.lower() in ("subject", "date"):
            raise ValueError(f"The outbox sets {name} itself")
        _set(root, name, str(value))
    return root.as_bytes(policy=_POLICY)


def _bodies(message: EmailMultiAlternatives) -> Message:
    plain = _text_part(str(message.body), "plain")
    if not message.alternatives:
        return plain
    alternative = MIMEMultipart("alternative", boundary=_boundary())
    alternative.attach(plain)
    for content, mimetype in message.alternatives:
        alternative.attach(_text_part(str(content), mimetype.split("/", 1)[1]))
    return alternative


def _boundary() -> str:
    # Random, so no text can hold it: the generator then need not search the text for a
    # collision (it compiles a regular expression per message to do so).
    return f"=_{secrets.token_hex(16)}"


def _text_part(text: str, subtype: str) -> MIMEText:
    longest = max((len(line.encode()) for line in text.splitlines()), default=0)
    charset = _QUOTED_PRINTABLE if longest > _LONGEST_LINE else _EIGHT_BIT
    return MIMEText(text, subtype, charset)  # type: ignore[arg-type]  # a Charset works


def _attachment(filename: str, content: str | bytes, mimetype: str) -> Message:
    maintype, subtype = mimetype.split("/", 1)
    if isinstance(content, str):  # Django keeps a text/* attachment as text
        part: Message = _text_part(content, subtype)
    else:
        part = MIMEBase(maintype, subtype)
        part.set_payload(bytes(content))
        email.encoders.encode_base64(part)
    # RFC 2231 for a name that is not ASCII: «Акт 7KQ2M.pdf».
    name = filename if filename.isascii() else ("utf-8", "", filename)
    part.add_header("Content-Disposition", "attachment", filename=name)
    return part


def _set(message: Message, name: str, value: str | Header) -> None:
    # The legacy API writes a header as given: a line break in a value would start a header
    # of someone else's choosing. The modern API refuses it; so does this.
    if "\r" in str(value) or "\n" in str(value):
        raise ValueError(f"Header {name} holds a line break")
    message[name] = value  # type: ignore[assignment]  # a Header is what it is for


def _text_header(text: str) -> str | Header:
    return text if text.isascii() else Header(text, "utf-8")


def _addresses(addresses: list[str]) -> str:
    return ", ".join(_address(str(address)) for address in addresses)


_REGISTRY = HeaderRegistry()


@functools.lru_cache(maxsize=256)  # the sender and the reply-to address repeat
def _address(address: str) -> str:
    """One address with its display name encoded (RFC 2047) and its domain in IDNA, as
    Django's own builder writes it; a list, a defect or a non-ASCII mailbox is refused."""
    header = _REGISTRY("To", address)
    assert isinstance(header, AddressHeader)
    if len(header.addresses) != 1 or header.defects:
        raise ValueError(f"Not one e-mail address: {address!r}")
    [parsed] = header.addresses
    if not parsed.username.isascii():
        raise ValueError(f"An address SMTP cannot carry: {address!r}")
    mailbox = f"{parsed.username}@{punycode(parsed.domain)}"
    return email.utils.formataddr((parsed.display_name, mailbox), "utf-8")
