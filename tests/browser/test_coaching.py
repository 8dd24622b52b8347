"""The coaching that goes beyond answers, in the widget at desktop and phone size: a resume
pasted or attached, a posting and a letter checked (none of them kept in the browser), and the
readiness assessment answered with buttons."""

from __future__ import annotations

import json
import os

import pytest

from tests.samples import LETTER, LINES, POSTING, RESUME, docx_with


# Where the phone-sized screenshots are written, when these name files (docs/*-phone.png).
RESUME_SCREENSHOT_ENV = "RESUME_SCREENSHOT"
READINESS_SCREENSHOT_ENV = "READINESS_SCREENSHOT"


def greeted(widget):
    """The widget opened, once the coach's greeting is in."""
    widget.open()
    widget.wait_for_bot("career coach")
    return widget


@pytest.mark.parametrize("size", ["widget", "phone"])
def test_a_pasted_resume_is_checked_and_not_kept_in_the_browser(request, size):

    widget = greeted(request.getfixturevalue(size))
    widget.ask("check my resume")
    widget.wait_for_bot("Paste your resume")
    widget.ask(RESUME)
    answer = widget.wait_for_bot("Your resume shows EHR systems (Epic)", "Source:")
    assert "\n1. Medical terminology" in answer.inner_text()
    if size == "phone" and os.environ.get(RESUME_SCREENSHOT_ENV):  # docs/resume-check-phone.png
        widget.settle()
        widget.page.screenshot(path=os.environ[RESUME_SCREENSHOT_ENV])
    kept = json.dumps(widget.stored())
    assert "(a pasted document, not kept)" in kept and "Lakeside Family Clinic" not in kept


@pytest.mark.parametrize("size", ["widget", "phone"])
def test_an_attached_resume_is_read_and_checked(request, size, tmp_path):

    widget = greeted(request.getfixturevalue(size))
    widget.ask("check my resume")
    widget.wait_for_bot("Paste your resume")
    resume = tmp_path / "Jordan Avery resume.docx"
    resume.write_bytes(docx_with(LINES))
    widget.page.locator(".cw-file").set_input_files(str(resume))
    widget.wait_for_bot("Your resume shows EHR systems (Epic)", "Source:")
    assert widget.user_messages.last.text_content() == "You: \N{PAPERCLIP} Jordan Avery resume.docx"
    unreadable = tmp_path / "photo.png"
    unreadable.write_bytes(b"\x89PNG not text")
    widget.page.locator(".cw-file").set_input_files(str(unreadable))
    widget.page.locator(".cw-status", has_text="Attach a .txt, .pdf or .docx").wait_for()


@pytest.mark.parametrize("size", ["widget", "phone"])
def test_the_readiness_assessment_asks_with_buttons_and_answers_with_steps(request, size):
    widget = greeted(request.getfixturevalue(size))
    widget.ask("how ready am i for a records job?")
    for question, button in (
        ("what schooling", "Some college"),
        ("healthcare before", "Not yet"),
        ("credential such as", "Studying for one"),
    ):
        asked = widget.wait_for_bot(question)
        asked.get_by_role("button", name=button).click()
    answer = widget.wait_for_bot("Your readiness for an entry-level role", "Sources:")
    shown = answer.inner_text()
    assert "\n1. Finish a certificate" in shown and "\n3. " in shown, shown
    assert [b.text_content() for b in answer.get_by_role("button").all()][:3] == [
        "Check my skills",
        "Practise an interview",
        "Check my resume",
    ]
    if size == "phone" and os.environ.get(READINESS_SCREENSHOT_ENV):  # docs/readiness-phone.png
        widget.settle()
        widget.page.screenshot(path=os.environ[READINESS_SCREENSHOT_ENV])


@pytest.mark.parametrize("size", ["widget", "phone"])
def test_a_pasted_posting_is_matched_and_a_pasted_letter_checked_in_the_browser(request, size):

    widget = greeted(request.getfixturevalue(size))
    widget.ask(RESUME)
    widget.wait_for_bot("Your resume shows")
    widget.ask("does my resume match this job posting")
    widget.wait_for_bot("Paste the job posting")
    widget.ask(POSTING)
    matched = widget.wait_for_bot("The posting asks for EHR systems", "Source:")
    assert "it doesn't show medical terminology" in matched.inner_text()
    widget.ask("can you check my cover letter")
    widget.wait_for_bot("Paste your cover letter")
    widget.ask(LETTER)
    checked = widget.wait_for_bot("Your letter names the job and the employer.", "Source:")
    assert "Add medical terminology" in checked.inner_text()
    kept = json.dumps(widget.stored())
    assert "Riverside Health" not in kept and kept.count("(a pasted document, not kept)") == 3
