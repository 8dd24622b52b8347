"""rasa-webchat 1.0.1, the standard Rasa widget from npm, on a site owner's page talking to the
coach's Socket.IO channel in real Chromium: the greeting's buttons as quick replies, an answer with
its figure and source line, and lists that keep their lines through its Markdown."""

from __future__ import annotations

import urllib.parse
from typing import Iterator

import pytest

from tests.browser.conftest import REPLY_TIMEOUT, WEBCHAT_BUNDLE, chromium_context, serving


class Webchat:
    """rasa-webchat's parts on the page (its own class names)."""

    def __init__(self, page):
        self.page = page
        self.launcher = page.locator(".rw-launcher")
        self.input = page.locator(".rw-new-message")
        self.responses = page.locator(".rw-response")
        self.quick_replies = page.locator(".rw-replies .rw-reply")

    def ask(self, text: str) -> None:
        self.input.fill(text)
        self.input.press("Enter")

    def wait_for_response(self, *needles: str):
        message = self.responses
        for needle in needles:
            message = message.filter(has_text=needle)
        message.first.wait_for()
        return message.first

    def lines(self, message) -> list:
        """The lines a reader sees in one message (no-break spaces read as spaces)."""
        return [line.replace("\u00a0", " ").strip() for line in message.inner_text().splitlines() if line.strip()]


def webchat_page(tmp_path, playwright, width: int):
    if not WEBCHAT_BUNDLE.is_file():
        pytest.fail(f"{WEBCHAT_BUNDLE} is missing: run scripts/ensure_webchat.sh (make test-browser does)")
    context = chromium_context(tmp_path, playwright, viewport={"width": width, "height": 800})
    page = context.pages[0] if context.pages else context.new_page()
    page.set_default_timeout(REPLY_TIMEOUT)
    return context, page


@pytest.fixture
def webchat(tmp_path, playwright, servers, webchat_url) -> Iterator[Webchat]:
    context, page = webchat_page(tmp_path, playwright, 1280)
    try:
        page.goto(f"{webchat_url}/index.html?server={urllib.parse.quote(servers.coach.url, safe='')}")
        yield Webchat(page)
    finally:
        context.close()


def test_rasa_webchat_greets_with_quick_replies_and_answers_with_the_figure_on_its_own_lines(webchat):
    webchat.launcher.click()
    greeting = webchat.wait_for_response("career coach")
    assert "how ready you are" in greeting.inner_text()
    webchat.page.wait_for_function("document.querySelectorAll('.rw-replies .rw-reply').length >= 4")
    assert "How ready am I?" in [reply.inner_text() for reply in webchat.quick_replies.all()]
    webchat.ask("what is the median salary")
    answer = webchat.wait_for_response("$47,190")
    lines = webchat.lines(answer)
    assert len(lines) >= 2 and lines[-1].startswith("Source: "), lines  # not run into the text


def test_rasa_webchat_keeps_a_numbered_list_and_a_bulleted_list_line_for_line(webchat):
    webchat.launcher.click()
    webchat.wait_for_response("career coach")
    webchat.ask("how ready am i?")
    for question, reply in (
        ("what schooling", "High school or GED"),
        ("healthcare before", "Not yet"),
        ("credential such as", "Not yet"),
    ):
        webchat.wait_for_response(question)
        webchat.page.locator(".rw-replies .rw-reply", has_text=reply).last.click()
    result = webchat.wait_for_response("Your readiness for an entry-level role", "Sources:")
    lines = webchat.lines(result)
    numbered = [line for line in lines if line[:3] in ("1. ", "2. ", "3. ")]
    assert [line[:3] for line in numbered] == ["1. ", "2. ", "3. "], lines
    assert lines[-2:] == ["Ask again later to see your progress.", lines[-1]] and lines[-1].startswith("Sources: ")
    # rendered as lines of one paragraph, not as a Markdown list that would swallow the source
    assert result.locator("ol, ul, li").count() == 0
    webchat.ask("what are the steps to become a records tech")
    steps = webchat.wait_for_response("7-step")
    bullets = [line for line in webchat.lines(steps) if line.startswith("• ")]
    assert len(bullets) >= 2, webchat.lines(steps)


def test_from_an_origin_the_server_does_not_allow_rasa_webchat_shows_nothing_and_the_log_says_why(
    tmp_path, playwright, servers, webchat_site
):
    """What the README tells a site owner: no launcher, and the coach's log names the origin."""
    with serving(webchat_site) as elsewhere:  # the same page, from an origin not in the CORS list
        context, page = webchat_page(tmp_path, playwright, 1280)
        try:
            page.goto(f"{elsewhere}/index.html?server={urllib.parse.quote(servers.coach.url, safe='')}")
            page.wait_for_function("!!window.WebChat")
            page.wait_for_timeout(3000)
            assert page.locator(".rw-launcher").count() == 0
            log = servers.log("rasa", tail=10_000_000)
            assert f"socket.io connection from origin '{elsewhere}' refused" in log
            assert "add it to CORS_ORIGINS" in log
        finally:
            context.close()
