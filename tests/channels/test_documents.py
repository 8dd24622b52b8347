"""A pasted resume is read in the channel (channels/documents.py) and answered from its findings
(actions/documents.py); the text itself never goes further than the channel."""

from __future__ import annotations

import asyncio

import pytest
from rasa.core.channels.channel import CollectingOutputChannel, UserMessage

from channels import documents
from tests.samples import LETTER, POSTING, QUESTION, RESUME


@pytest.fixture(scope="module")
def reader():
    return documents.reader()


def test_a_resume_is_recognised_by_its_parts_and_a_long_question_is_not(reader):
    assert reader.looks_like_resume(RESUME)
    assert not reader.looks_like_resume(QUESTION)


def test_the_resume_shows_what_it_names_whatever_the_case_or_form(reader):
    found = reader.read(RESUME)
    assert found["shows"] == [
        "EHR systems",
        "accuracy",
        "HIPAA privacy",
        "health information training",
        "data entry and records work",
        "office software",
    ]
    assert found["seen"]["EHR systems"] == ["Epic"]
    assert "error" in found["seen"]["accuracy"]  # "errors"
    assert {"scanned", "indexed", "data entry"} <= set(found["seen"]["data entry and records work"])
    # a certificate program still under way is schooling, not a certification
    assert found["missing"] == ["medical terminology", "a certification", "coding systems", "organisation"]
    assert found["sections"] == ["summary", "experience", "education", "skills"]
    # figures in results (not the phone number or the years); lines starting Scheduled, Scanned,
    # Kept, Trained, Reduced
    assert found["numbers"] == 4 and found["verbs"] == 5


def test_the_findings_hold_no_line_of_the_resume(reader):
    message = asyncio.run(documents.take(UserMessage(RESUME, CollectingOutputChannel(), "someone"), None))
    assert message.text == "/document_checked" and message.sender_id == "someone"
    stored = repr(message.metadata)
    for line in RESUME.splitlines():
        words = line.strip("- ").strip()
        if len(words.split()) >= 3:
            assert words not in stored, words


def test_a_question_goes_on_as_it_was_typed():
    message = UserMessage(QUESTION, CollectingOutputChannel(), "someone")
    assert asyncio.run(documents.take(message, None)) is message


def test_the_reply_names_what_it_shows_what_it_lacks_and_three_changes_with_their_source(action_store, reader):
    from actions.documents import resume_reply

    reply = resume_reply(reader.read(RESUME))
    assert reply.startswith("Your resume shows EHR systems (Epic), accuracy, HIPAA privacy")
    assert "\n1. Medical terminology: " in reply and "\n3. Coding systems: " in reply and "\n4. " not in reply
    assert "the guides say to show it beside the record systems" in reply
    assert "Also missing: organisation." in reply
    assert reply.splitlines()[-1].startswith("Source")
    assert "Complete Medical Records Technician Career Guide" in reply.splitlines()[-1]
    assert len(reply.split()) < 150


def test_a_posting_is_told_from_a_resume_and_read_in_its_own_words(reader):
    assert reader.looks_like_posting(POSTING) and not reader.looks_like_resume(POSTING)
    assert not reader.looks_like_posting(RESUME)
    found = reader.read_posting(POSTING)
    assert found["asks"] == [
        "EHR systems",
        "medical terminology",
        "a certification",
        "accuracy",
        "HIPAA privacy",
        "coding systems",
        "data entry and records work",
        "organisation",
    ]
    assert "electronic health record" in found["seen"]["EHR systems"]
    assert found["seen"]["coding systems"] == ["ICD-10-CM"]


def test_a_posting_is_matched_against_the_resume_checked_before(action_store, reader):
    from actions.documents import posting_reply

    shows = reader.read(RESUME)["shows"]
    reply = posting_reply(reader.read_posting(POSTING), shows)
    assert reply.startswith("The posting asks for EHR systems, medical terminology, a certification")
    assert "it doesn't show medical terminology, a certification, coding systems and organisation yet" in reply
    assert '"ICD-10-CM"' in reply and "Source: Complete Medical Records Technician Career Guide" in reply
    alone = posting_reply(reader.read_posting(POSTING), None)
    assert "Paste your resume too" in alone


def test_a_letter_is_told_from_a_resume_and_a_posting(reader):
    assert reader.looks_like_letter(LETTER)
    assert not reader.looks_like_resume(LETTER) and not reader.looks_like_posting(LETTER)
    assert not reader.looks_like_letter(QUESTION)


def test_a_letter_names_the_job_and_the_employer_and_shows_what_it_should(action_store, reader):
    from actions.documents import letter_reply

    found = reader.read_letter(LETTER)
    assert found["role"] and found["employer"]
    assert found["shows"] == ["EHR systems", "accuracy", "HIPAA privacy", "a certification"]
    assert found["missing"] == ["medical terminology"]
    reply = letter_reply(found)
    assert reply.startswith("Your letter names the job and the employer.")
    assert "Add medical terminology, which the guides say" in reply and "words long" in reply
    assert reply.splitlines()[-1].startswith("Source: Complete Medical Records Technician Career Guide")
    unnamed = letter_reply(
        reader.read_letter(
            LETTER.replace("Medical Records Technician position at Riverside Health", "job you advertised")
        )
    )
    assert unnamed.startswith("Your letter doesn't name the job or the employer yet")


def test_every_reason_names_a_fact_that_exists_and_every_letter_item_is_on_the_list():
    from knowledge.schema import load_facts

    settings = documents.applications()
    ids = {fact.id for fact in load_facts()}
    assert {entry["fact"] for entry in settings["looks_for"]} | {settings["letter"]["fact"]} <= ids
    assert set(settings["letter"]["shows"]) <= {entry["name"] for entry in settings["looks_for"]}
