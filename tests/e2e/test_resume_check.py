"""The resume check over REST: asked for, pasted, answered; the conversation keeps none of it."""

from __future__ import annotations

import json
import uuid

from tests.servers import get
from tests.samples import QUESTION, RESUME


def stored_text(servers, sender: str) -> str:
    status, body = get(f"{servers.coach.url}/conversations/{sender}/tracker")
    assert status == 200, body[:300]
    return json.dumps(json.loads(body))


def test_asked_then_pasted_a_resume_is_checked_and_not_kept(servers, coach):
    sender = uuid.uuid4().hex
    asked = coach.reply("can you look at my CV", sender)
    assert "Paste your resume" in asked, asked
    reply = coach.reply(RESUME, sender)
    assert reply.startswith("Your resume shows EHR systems (Epic)"), reply
    assert "1. Medical terminology" in reply and "Source: Complete Medical Records Technician Career Guide" in reply
    stored = stored_text(servers, sender)
    assert "document_checked" in stored
    logs = servers.log("rasa", tail=10_000_000) + servers.log("actions", tail=10_000_000)
    for line in RESUME.splitlines():
        words = line.strip("- ").strip()
        if len(words.split()) >= 3:
            assert json.dumps(words)[1:-1] not in stored, words
            assert words not in logs, words


def test_a_resume_pasted_without_asking_is_checked_too(servers, coach):
    sender = uuid.uuid4().hex
    reply = coach.reply(RESUME, sender)
    assert reply.startswith("Your resume shows"), reply
    assert "Lakeside Family Clinic" not in stored_text(servers, sender)


def test_a_long_question_after_the_ask_is_still_a_question_when_it_is_one_line(coach):
    sender = uuid.uuid4().hex
    coach.reply("check my resume", sender)
    reply = coach.reply("actually, what is the median salary", sender)
    assert "$47,190" in reply, reply


def test_a_long_question_is_answered_not_checked(coach):
    reply = coach.reply(QUESTION)
    assert "Your resume" not in reply, reply


def test_only_the_message_right_after_the_ask_is_taken_as_the_resume(coach):
    sender = uuid.uuid4().hex
    coach.reply("check my resume", sender)
    coach.reply("what is the median salary", sender)
    reply = coach.reply("One more thing.\nWhat does an RHIT earn?\nI live in Texas.", sender)
    assert "Your resume" not in reply, reply


def test_a_posting_after_the_resume_is_matched_against_it_and_neither_is_kept(servers, coach):
    from tests.samples import POSTING

    sender = uuid.uuid4().hex
    coach.reply(RESUME, sender)
    assert "Paste the job posting" in coach.reply("does my resume match this job posting", sender)
    reply = coach.reply(POSTING, sender)
    assert reply.startswith("The posting asks for EHR systems"), reply
    assert "it doesn't show medical terminology" in reply and '"ICD-10-CM"' in reply, reply
    stored = stored_text(servers, sender)
    for line in (RESUME + POSTING).splitlines():
        words = line.strip("- ").strip()
        if len(words.split()) >= 3:
            assert json.dumps(words)[1:-1] not in stored, words


def test_a_posting_alone_asks_for_the_resume_and_the_resume_then_answers_the_posting_too(coach):
    from tests.samples import POSTING

    sender = uuid.uuid4().hex
    assert "Paste your resume too" in coach.reply(POSTING, sender)
    reply = coach.reply(RESUME, sender)
    assert "Of what the posting you showed me asks for, it doesn't show medical terminology" in reply, reply


def test_a_cover_letter_is_checked_and_not_kept(servers, coach):
    from tests.samples import LETTER

    sender = uuid.uuid4().hex
    assert "Paste your cover letter" in coach.reply("can you check my cover letter", sender)
    reply = coach.reply(LETTER, sender)
    assert reply.startswith("Your letter names the job and the employer."), reply
    assert "Add medical terminology" in reply, reply
    stored = stored_text(servers, sender)
    for line in LETTER.splitlines():
        if len(line.split()) >= 3:
            assert json.dumps(line.strip())[1:-1] not in stored, line


def multipart(name: str, data: bytes) -> tuple:
    boundary = uuid.uuid4().hex
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{name}"\r\n'
            f"Content-Type: application/octet-stream\r\n\r\n"
        ).encode()
        + data
        + f"\r\n--{boundary}--\r\n".encode()
    )
    return body, {"Content-Type": f"multipart/form-data; boundary={boundary}"}


def test_an_attached_file_gives_back_its_text_or_the_reason_it_cannot(servers):
    from tests.servers import post
    from tests.samples import LINES, pdf_with

    url = f"{servers.coach.url}/webhooks/rest/document-text"
    data, headers = multipart("resume.pdf", pdf_with(LINES))
    status, body = post(url, data, headers=headers)
    assert status == 200 and json.loads(body)["text"].startswith("Jordan Avery"), body[:300]
    data, headers = multipart("resume.exe", b"MZ")
    status, body = post(url, data, headers=headers)
    assert status == 415 and "Attach a .txt, .pdf or .docx" in json.loads(body)["message"]
    status, body = post(url, b"{}")
    assert status == 400
