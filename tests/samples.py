"""Documents written for the tests, shared by them: a realistic resume, a long question that is
not one, a job posting and a cover letter, and the resume's lines as a PDF or a Word file."""

from __future__ import annotations

import io


# Written for these tests: a career changer from retail with a medical office course behind her.
RESUME = """Jordan Avery
jordan.avery@example.com | (555) 010-2233

Summary
Detail-oriented retail supervisor finishing a health information technology certificate.

Experience
Front Desk Assistant, Lakeside Family Clinic, 2022-2024
- Scheduled 40 patients a day and updated records in Epic
- Scanned and indexed 300 charts a week with no filing errors
- Kept patient information confidential under HIPAA

Store Supervisor, Brightmart, 2016-2022
- Trained 12 new cashiers
- Reduced stock counting errors by 15%

Education
Health Information Technology certificate, Valley Community College, expected 2025

Skills
Data entry, Microsoft Excel, customer service
"""


QUESTION = (
    "I have been working in retail for twelve years and I am now thinking about a change "
    "into medical records because my sister does it and she likes it, and I wonder what "
    "the pay is like where I live, how long the schooling takes, whether I can do it "
    "online while working full time, and whether employers will take me seriously at 38."
)


# Written for these tests: a posting of the kind the guides describe.
POSTING = """Medical Records Technician - Riverside Health

About the job
Riverside Health is hiring a full-time Medical Records Technician for its outpatient clinics.

Responsibilities
- Maintain electronic health records in Epic and scan incoming paper charts
- Process release of information requests in line with HIPAA
- Audit records for completeness and accuracy

Requirements
- RHIT certification or eligible to sit for the exam
- Knowledge of medical terminology and ICD-10-CM
- Strong organizational skills and attention to detail
"""


# Written for these tests: a letter for the posting above.
LETTER = """Dear Hiring Manager,

I am writing to apply for the Medical Records Technician position at Riverside Health. For two
years I worked the front desk of a family clinic, where I updated patient records in Epic every
day and kept every chart confidential under HIPAA. I am now finishing a health information
technology certificate and will sit for the RHIT exam this spring.

I take pride in careful, accurate work and would welcome the chance to bring it to your team.

Sincerely,
Jordan Avery
"""


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
