"""The text of a file attached in the widget (a resume, a posting, a cover letter).

The widget sends the file to `POST /webhooks/rest/document-text` (channels/rest.py) and gets its
text back, which it then sends as a message: the message goes the way a pasted one does, through
`channels/documents.py`, so the text is read in the channel and never stored. This endpoint stores
nothing and logs no part of the file: a refusal names the reason only.

Plain text (.txt) is read as UTF-8 (or Latin-1); .pdf with pypdf; .docx with python-docx (its
paragraphs and its tables' cells, in order). What is read is cut at the message limit.
"""

from __future__ import annotations

import io
from typing import Callable, Dict

from channels.guard import MAX_MESSAGE_CHARS

# A resume is a page or two; a larger file is not one (and its parsing costs more). The request
# that carries it is capped at 1,000,000 bytes anyway (channels/limits.py, COACH_MAX_REQUEST_BYTES).
MAX_FILE_BYTES = 1_000_000


class AttachmentError(ValueError):
    """A file whose text cannot be taken, said in words the person can act on."""


def _text_file(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def _pdf(data: bytes) -> str:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            raise AttachmentError("That PDF is password-protected; please attach an unprotected copy.")
        return "\n".join(page.extract_text() or "" for page in reader.pages[:10])
    except (PdfReadError, ValueError, KeyError, TypeError) as error:
        if isinstance(error, AttachmentError):
            raise
        raise AttachmentError("That PDF could not be read; please attach it again or paste its text.") from None


def _docx(data: bytes) -> str:
    import zipfile

    from docx import Document

    try:
        document = Document(io.BytesIO(data))
    except (zipfile.BadZipFile, KeyError, ValueError):
        raise AttachmentError("That .docx file could not be read; please attach it again or paste its text.") from None
    lines = [paragraph.text for paragraph in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            lines.append(" | ".join(cell.text for cell in row.cells))
    return "\n".join(lines)


READERS: Dict[str, Callable[[bytes], str]] = {".txt": _text_file, ".pdf": _pdf, ".docx": _docx}


def extract_text(filename: str, data: bytes) -> str:
    """The file's text, at most a message long; AttachmentError when it cannot be taken."""
    suffix = "." + filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if suffix not in READERS:
        raise AttachmentError("Attach a .txt, .pdf or .docx file (or paste the text).")
    if not data:
        raise AttachmentError("That file is empty.")
    if len(data) > MAX_FILE_BYTES:
        raise AttachmentError("That file is larger than 1 MB; a resume or letter is much smaller.")
    text = "\n".join(line.rstrip() for line in READERS[suffix](data).replace("\x00", "").splitlines()).strip()
    if not text:
        raise AttachmentError("There is no text in that file (a scanned image?); please paste the text.")
    return text[:MAX_MESSAGE_CHARS]
