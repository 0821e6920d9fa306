"""One e-mail from the support mailbox, read from its raw bytes: the headers we file by,
its text (HTML turned into plain text, never rendered), what is new in it (the quoted
history and the signature trimmed) and its attachments.

Reading never raises: a message that cannot be read comes back with `aside_reason` set,
and the mailbox keeps it aside with its raw bytes. Pure: no ORM, no storage.
"""

import datetime
import email.policy
import email.utils
import hashlib
import logging
import re
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.parser import BytesParser
from html.parser import HTMLParser

from mailparser_reply.constants import MAIL_LANGUAGES, QUOTED_MATCH_INCLUDE
from mailparser_reply.parser import EmailMessage as ReplyText

from notifications.models import InboundEmail

Aside = InboundEmail.Aside

logger = logging.getLogger(__name__)

# Far beyond any real message; a message with more parts or deeper nesting is built to
# make its reader work (a MIME bomb), not to be read.
MAX_PARTS = 200
MAX_DEPTH = 10
MAX_ATTACHMENTS = 20
MAX_TEXT = 100_000
HEADER_MAX = 255

# Russian mail clients' quote headers, which mail-parser-reply does not know yet (its table
# is the extension point: a language's patterns by name). Gmail: «пн, 7 дек. 2026 г. в
# 10:00, Имя <a@b.kz>:»; Outlook: «От: … Отправлено: … Кому: … Тема: …»; Yandex and
# Mail.ru: «07.12.2026, 10:00, "Имя" <a@b.kz>:» / «… пишет:».
RUSSIAN = {
    "wrote_header": (
        r"^("
        + QUOTED_MATCH_INCLUDE
        + r"(?:[А-Яа-яЁё]{2},\s+)?\d{1,2}[\s.]+\S+?[\s.]+\d{4}(?:\s*г\.)?,?\s+(?:в\s+)?"
        + r"\d{1,2}:\d{2}.{0,200}?(?:<[^>\n]+>\s*)?(?:пишет|написал[аи]?)?:)$"
    ),
    "from_header": (
        r"((?:(?:^|\n|\n"
        + QUOTED_MATCH_INCLUDE
        + r")[* ]*(?:От|Отправлено|Кому|Тема|Дата|Копия):[ *]*(?:\s{,2}).*){2,}(?:\n.*){,1})"
    ),
    "signatures": [
        "С уважением",
        "С наилучшими пожеланиями",
        "Отправлено с iPhone",
        "Отправлено из мобильной Почты Mail.ru",
    ],
    "sent_from": "Отправлено с|Отправлено из|Sent from my|Get Outlook for",
    "disclaimers": [],
}
MAIL_LANGUAGES.setdefault("ru", RUSSIAN)

# Who answers by itself: RFC 3834's header, the common vendor headers and bounces.
AUTO_SENDERS = re.compile(r"^(mailer-daemon|postmaster|no-?reply|auto-?reply)@", re.IGNORECASE)
BULK_PRECEDENCE = {"bulk", "junk", "list", "auto_reply"}


@dataclass
class Attachment:
    filename: str
    content_type: str
    data: bytes

    def describe(self) -> dict:
        return {
            "filename": self.filename,
            "content_type": self.content_type,
            "size": len(self.data),
        }


@dataclass
class ParsedMail:
    message_id: str
    sender: str = ""
    sender_name: str = ""
    subject: str = ""
    sent_at: datetime.datetime | None = None
    in_reply_to: str = ""
    references: str = ""
    text: str = ""
    reply_text: str = ""
    attachments: list[Attachment] = field(default_factory=list)
    aside_reason: str = ""  # an InboundEmail.Aside code when the message is kept aside
    aside_detail: str = ""


def hashed_message_id(raw: bytes) -> str:
    """The Message-ID of a message that has none (or a broken one): the same bytes, the
    same id, so it is kept once too."""
    return f"<sha256-{hashlib.sha256(raw).hexdigest()[:40]}@inbound.invalid>"


def parse_message(raw: bytes) -> ParsedMail:
    """Everything the mailbox keeps of one message; never raises."""
    try:
        return _parse(raw)
    except Exception as error:  # whatever a hostile message finds: kept aside, not a crash
        logger.warning("Unreadable message: %r", error)
        return ParsedMail(
            message_id=hashed_message_id(raw),
            aside_reason=Aside.UNREADABLE,
            aside_detail=type(error).__name__,
        )


def _parse(raw: bytes) -> ParsedMail:
    message = BytesParser(policy=email.policy.default).parsebytes(raw)
    assert isinstance(message, EmailMessage)
    parsed = ParsedMail(message_id=_message_id(message, raw))
    parsed.sender_name, parsed.sender = _address(message, "From")
    parsed.subject = _header(message, "Subject")[:HEADER_MAX]
    parsed.sent_at = _date(message)
    parsed.in_reply_to = " ".join(_ids(_header(message, "In-Reply-To")))[:HEADER_MAX]
    parsed.references = " ".join(_ids(_header(message, "References")))
    parts = _parts(message)
    if parts is None:
        parsed.aside_reason = Aside.NESTED
        return parsed
    parsed.text = _body_text(message, parts)[:MAX_TEXT]
    parsed.reply_text = trim_reply(parsed.text)
    parsed.attachments = _attachments(parts)
    parsed.aside_reason = _aside_reason(message, parsed)
    return parsed


def _aside_reason(message: EmailMessage, parsed: ParsedMail) -> str:
    if is_automatic(message, sender=parsed.sender):
        return Aside.AUTOMATIC
    if not parsed.sender:
        return Aside.NO_SENDER
    return ""


def is_automatic(message: EmailMessage, *, sender: str) -> bool:
    """An out-of-office answer or a bounce: never a customer's reply, never answered."""
    auto_submitted = _header(message, "Auto-Submitted").lower()
    if auto_submitted and auto_submitted != "no":
        return True
    if any(
        message.get(name) for name in ("X-Autoreply", "X-Autorespond", "X-Auto-Response-Suppress")
    ):
        return True
    if _header(message, "Precedence").lower() in BULK_PRECEDENCE:
        return True
    if message.get_content_type() == "multipart/report":
        return True
    return bool(AUTO_SENDERS.match(sender))


# --- Headers --------------------------------------------------------------------------


def _header(message: EmailMessage, name: str) -> str:
    """A header as text, or "" when missing or too broken to decode."""
    try:
        value = message.get(name)
    except Exception:  # a malformed header the policy cannot parse
        return ""
    return " ".join(str(value).split()) if value is not None else ""


def _message_id(message: EmailMessage, raw: bytes) -> str:
    ids = _ids(_header(message, "Message-ID"))
    if ids and len(ids[0]) <= HEADER_MAX:
        return ids[0]
    return hashed_message_id(raw)


def _ids(value: str) -> list[str]:
    """The `<…>` ids of a Message-ID, In-Reply-To or References header, in order."""
    return re.findall(r"<[^<>\s]{1,250}>", value)


def _address(message: EmailMessage, name: str) -> tuple[str, str]:
    try:
        pairs = email.utils.getaddresses([_header(message, name)])
    except Exception:
        return "", ""
    for display_name, address in pairs:
        if "@" in address and len(address) <= 254:
            return display_name[:150], address.lower()
    return "", ""


def _date(message: EmailMessage) -> datetime.datetime | None:
    try:
        when = email.utils.parsedate_to_datetime(_header(message, "Date"))
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=datetime.UTC)
    return when


# --- Body ---------------------------------------------------------------------------


def _parts(message: EmailMessage) -> list[EmailMessage] | None:
    """Every leaf part, or None for a message built to exhaust its reader."""
    leaves: list[EmailMessage] = []
    stack: list[tuple[EmailMessage, int]] = [(message, 0)]
    count = 0
    while stack:
        part, depth = stack.pop()
        count += 1
        if count > MAX_PARTS or depth > MAX_DEPTH:
            return None
        if part.is_multipart():
            children = part.get_payload()
            if isinstance(children, list):
                stack.extend(
                    (child, depth + 1)
                    for child in reversed(children)
                    if isinstance(child, EmailMessage)
                )
        else:
            leaves.append(part)
    return leaves


def _decoded_text(part: EmailMessage) -> str:
    """The part's text in its declared charset; a wrong or unknown charset gives the text
    with the undecodable bytes replaced, never an error."""
    try:
        content = part.get_content()
        if isinstance(content, str):
            return content
    except (LookupError, UnicodeError, ValueError, AssertionError, KeyError):
        pass
    payload = part.get_payload(decode=True)
    if not isinstance(payload, bytes):
        return ""
    charset = part.get_content_charset() or "utf-8"
    try:
        return payload.decode(charset, errors="replace")
    except LookupError:
        return payload.decode("utf-8", errors="replace")


def _is_attachment(part: EmailMessage) -> bool:
    disposition = (part.get_content_disposition() or "").lower()
    return disposition == "attachment" or (
        bool(part.get_filename()) and part.get_content_maintype() != "text"
    )


def _body_text(message: EmailMessage, parts: list[EmailMessage]) -> str:
    """The plain-text body, else the HTML one as text (scripts and styles dropped)."""
    texts = [p for p in parts if not _is_attachment(p) and p.get_content_type() == "text/plain"]
    if texts:
        return _normalise(_decoded_text(texts[0]))
    htmls = [p for p in parts if not _is_attachment(p) and p.get_content_type() == "text/html"]
    if htmls:
        return _normalise(html_to_text(_decoded_text(htmls[0])))
    return ""


def _normalise(text: str) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "")
    return re.sub(r"\n{3,}", "\n\n", text).strip()


class _TextOfHtml(HTMLParser):
    BLOCKS = {"p", "div", "br", "tr", "li", "h1", "h2", "h3", "h4", "blockquote", "table"}
    SKIPPED = {"script", "style", "head", "title", "template", "noscript"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.chunks: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag, attrs):
        if tag in self.SKIPPED:
            self.skipping += 1
        elif tag in self.BLOCKS:
            self.chunks.append("\n")

    def handle_endtag(self, tag):
        if tag in self.SKIPPED:
            self.skipping = max(self.skipping - 1, 0)
        elif tag in self.BLOCKS:
            self.chunks.append("\n")

    def handle_data(self, data):
        if not self.skipping:
            self.chunks.append(data)


def html_to_text(html: str) -> str:
    """What a person reads in the HTML: text only, kept as text (the admin escapes it)."""
    reader = _TextOfHtml()
    try:
        reader.feed(html)
        reader.close()
    except Exception:  # HTMLParser is lenient; a failure leaves what was read so far
        logger.warning("HTML body could not be read to its end")
    lines = (" ".join(line.split()) for line in "".join(reader.chunks).split("\n"))
    return "\n".join(lines)


def trim_reply(text: str) -> str:
    """The new part of a reply: the quoted history («On … wrote:», «-----Original
    Message-----», «От: … Отправлено: …», `>` lines) and the signature cut off."""
    if not text:
        return ""
    try:
        replies = (
            ReplyText(text=text, languages=["ru", "en"], keep_hyphen_lists=True).read().replies
        )
    except Exception:  # a pathological text: keep it whole rather than lose it
        logger.warning("Reply trimming failed; the whole text is kept")
        return text
    if not replies:
        return text
    body = replies[0].body.strip()
    # The `>` lines the parser leaves when a client quotes without a header line.
    lines = [line for line in body.split("\n") if not line.startswith(">")]
    return "\n".join(lines).strip() or text


def _attachments(parts: list[EmailMessage]) -> list[Attachment]:
    found = []
    for part in parts:
        if not _is_attachment(part):
            continue
        try:
            data = part.get_payload(decode=True)
        except Exception:
            data = None
        if not isinstance(data, bytes):
            continue
        filename = part.get_filename() or "attachment"
        found.append(
            Attachment(
                filename=" ".join(str(filename).split())[:120],
                content_type=part.get_content_type(),
                data=data,
            )
        )
        if len(found) >= MAX_ATTACHMENTS:
            break
    return found
