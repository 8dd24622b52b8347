"""The text of an attached resume (.txt, .pdf, .docx) for the widget to send as a message."""

from __future__ import annotations

import pytest

from channels.attachments import MAX_FILE_BYTES, AttachmentError, extract_text
from channels.guard import MAX_MESSAGE_CHARS
from tests.samples import LINES, RESUME, docx_with, pdf_with


@pytest.mark.parametrize(
    "name, data", [("resume.txt", RESUME.encode()), ("Resume.PDF", pdf_with(LINES)), ("resume.docx", docx_with(LINES))]
)
def test_each_kind_of_file_gives_its_lines(name, data):
    text = extract_text(name, data)
    assert [line.strip() for line in text.splitlines() if line.strip()][: len(LINES)] == [
        line.strip() for line in LINES
    ]


def test_a_docx_gives_its_tables_too():
    assert "Languages | English, Spanish" in extract_text("cv.docx", docx_with(["Summary"]))


@pytest.mark.parametrize(
    "name, data, says",
    [
        ("resume.png", b"\x89PNG", "Attach a .txt, .pdf or .docx"),
        ("resume.pdf", b"%PDF-1.4 this is not really a pdf", "could not be read"),
        ("resume.docx", b"PK not a zip", "could not be read"),
        ("resume.txt", b"", "empty"),
        ("resume.txt", b"x" * (MAX_FILE_BYTES + 1), "larger than 1 MB"),
        ("resume.pdf", pdf_with([]), "no text"),
    ],
)
def test_a_file_that_cannot_be_read_is_refused_with_the_reason(name, data, says):
    with pytest.raises(AttachmentError, match=says):
        extract_text(name, data)


def test_the_text_is_cut_at_the_message_limit():
    assert len(extract_text("long.txt", ("word " * 5000).encode())) == MAX_MESSAGE_CHARS
