"""The text of an attached resume (.txt, .pdf, .docx) for the widget to send as a message."""

from __future__ import annotations

import io

import pytest

from channels.attachments import MAX_FILE_BYTES, AttachmentError, extract_text
from channels.guard import MAX_MESSAGE_CHARS
from tests.test_documents import RESUME


def pdf_with(lines) -> bytes:
    """A one-page PDF whose text is `lines`, written by hand (no PDF writer is installed)."""
    escaped = [line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)") for line in lines]
    content = "BT /F1 11 Tf 14 TL 50 760 Td " + " ".join(f"({line}) Tj T*" for line in escaped) + " ET"
    objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        "/Resources << /Font << /F1 5 0 R >> >> >>",
        f"<< /Length {len(content)} >>\nstream\n{content}\nendstream",
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out, offsets = "%PDF-1.4\n", []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n{body}\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n" + "".join(f"{o:010d} 00000 n \n" for o in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n"
    return out.encode("latin-1")


def docx_with(lines) -> bytes:
    from docx import Document

    document = Document()
    for line in lines:
        document.add_paragraph(line)
    table = document.add_table(rows=1, cols=2)
    table.rows[0].cells[0].text, table.rows[0].cells[1].text = "Languages", "English, Spanish"
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


LINES = [line for line in RESUME.splitlines() if line.strip()]


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
