"""The Socket.IO channel's replies survive a Markdown renderer (rasa-webchat renders them as
Markdown): checked with markdown-it, a CommonMark parser, on replies the coach really gives."""

from __future__ import annotations

import asyncio
import html
import re

import pytest
from markdown_it import MarkdownIt

from channels.socketio import CoachSocketIOOutput, output_for, survives_markdown

COMMONMARK = MarkdownIt("commonmark")


class Recorder:
    """A Socket.IO server that keeps what it is asked to emit."""

    def __init__(self):
        self.sent = []

    async def emit(self, event, data, room=None, **kwargs):
        self.sent.append(data)

    @property
    def texts(self):
        return [m["text"] for m in self.sent]


def shown_lines(markdown: str):
    """The lines a Markdown client shows: each paragraph's lines, split at its hard breaks."""
    rendered = COMMONMARK.render(markdown)
    assert not re.search(r"<(ol|ul|li|h\d|blockquote|pre|code|em|strong)\b", rendered), rendered
    paragraphs = re.findall(r"<p>(.*?)</p>", rendered, re.DOTALL)
    return [html.unescape(line).replace("\u00a0", " ") for p in paragraphs for line in p.split("<br />\n")]


@pytest.fixture(scope="module")
def replies(action_store):
    from actions.documents import resume_reply
    from actions.readiness import assessment
    from actions.replies import fact_message
    from channels import documents
    from tests.samples import RESUME

    steps = assessment({"plan_education": "high school", "plan_experience": "no", "readiness_credential": "no"})[1]
    resume = resume_reply(documents.reader().read(RESUME))
    # a fact with its points as bullets
    listed = next(f for f in action_store.facts_by_id(["getting-started-7-steps-g000"]))
    return [steps, resume, fact_message(listed), "- a line that looks like a list\n# and a heading\n> and a quote"]


def test_without_it_markdown_joins_the_lines_and_swallows_the_source_into_a_list(replies):
    rendered = COMMONMARK.render(replies[0])
    assert "<ol>" in rendered and "Sources: " in rendered.split("<ol>")[1]


def test_every_line_of_a_reply_is_shown_as_written(replies):
    for text in replies:
        assert shown_lines(survives_markdown(text)) == text.splitlines(), text


def test_rasas_split_into_messages_at_blank_lines_is_kept():
    socket = Recorder()
    output = CoachSocketIOOutput(socket, "bot_uttered")
    asyncio.run(
        output.send_text_with_buttons(
            "room", "first\n1. one\n\nsecond\n2. two", [{"title": "Yes", "payload": "/affirm"}]
        )
    )
    assert socket.texts == ["first  \n1.\u00a0one", "second  \n2.\u00a0two"]
    assert socket.sent[-1]["quick_replies"][0]["payload"] == "/affirm"
    assert [shown_lines(text) for text in socket.texts] == [["first", "1. one"], ["second", "2. two"]]


def test_a_client_that_shows_plain_text_gets_the_lines_untouched(replies):
    # The project's widget sends "plain_text": true; rasa-webchat and other clients send nothing.
    plain, markdown = Recorder(), Recorder()
    text = replies[0]
    asyncio.run(output_for(plain, "bot_uttered", {"message": "hi", "plain_text": True}).send_text_message("u", text))
    asyncio.run(output_for(markdown, "bot_uttered", {"message": "hi"}).send_text_message("u", text))
    assert "\n".join(plain.texts) == text
    assert "\n".join(markdown.texts) != text and "  \n" in "\n".join(markdown.texts)
