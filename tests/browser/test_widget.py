"""The website widget as a visitor uses it: real Chromium, the real coach over Socket.IO."""

from __future__ import annotations

import json
import os
import time


from tests.browser.conftest import SCREENSHOT_ENV
from tests.servers import post

RESTART_TIMEOUT = 900  # s


def user_texts(events: list) -> list:
    return [event.get("text") for event in events if event.get("event") == "user"]


def say_from_server(widget, session_id: str, text: str, buttons: list) -> None:
    """A bot message sent by the server itself to the widget's conversation (the HTTP API's
    side-effect path, which goes out through the Socket.IO channel like any reply)."""
    event = {"event": "bot", "text": text, "data": {"buttons": buttons}}
    status, body = post(
        f"{widget.tracker_url(session_id)}/events?execute_side_effects=true&output_channel=socketio",
        json.dumps([event]).encode(),
    )
    assert status == 200, (status, body[:300])


def start_slowly(servers) -> None:
    """Starts the Rasa server again, allowing more than the usual start-up time: on a busy
    machine loading the model can take minutes, and what is tested here is the widget."""
    servers.start_rasa(wait=False)
    deadline = time.monotonic() + RESTART_TIMEOUT
    while True:
        assert servers.rasa.poll() is None, servers.log("rasa")
        assert time.monotonic() < deadline, f"not up after {RESTART_TIMEOUT}s\n{servers.log('rasa')}"
        try:
            if servers.coach.is_up():
                return
        except OSError:  # not listening yet
            pass
        time.sleep(2)


def test_a_question_gets_the_sourced_answer_with_its_lines(widget):
    widget.open()
    widget.ask("what is the median salary")
    answer = widget.wait_for_bot("$47,190", "Source:")
    # The source is on its own line, as the coach wrote it.
    assert "\nSource: Complete Medical Records Technician Career Guide" in answer.inner_text()
    assert widget.user_messages.last.text_content() == "You: what is the median salary"
    if os.environ.get(SCREENSHOT_ENV):
        widget.settle()
        widget.user_messages.last.evaluate(  # the question at the top of the log
            "m => { m.parentElement.scrollTop = m.offsetTop - m.parentElement.offsetTop - 8; }"
        )
        widget.page.screenshot(path=os.environ[SCREENSHOT_ENV])


def test_a_bot_button_sends_its_payload_and_shows_its_title(widget):
    widget.open()
    widget.wait_for_bot("career coach")  # the greeting: the conversation is confirmed
    session = widget.session_id()
    say_from_server(
        widget,
        session,
        "What would you like to know?",
        [
            {"title": "Typical pay", "payload": "/ask_salary"},
            {"title": "Getting certified", "payload": "/ask_certification"},
        ],
    )
    button = widget.page.get_by_role("button", name="Typical pay")
    button.click()
    widget.wait_for_bot("$47,190", "Source:")
    assert widget.user_messages.last.text_content() == "You: Typical pay"
    assert "/ask_salary" in user_texts(widget.tracker_events(session))


def test_the_coachs_own_buttons_answer_its_question(widget):
    widget.open()
    widget.ask("make me a plan")
    widget.page.get_by_role("button", name="Some college").click()  # the plan's first question
    widget.wait_for_bot("healthcare before")  # the next question
    assert widget.user_messages.last.text_content() == "You: Some college"
    assert "some college" in user_texts(widget.tracker_events(widget.session_id()))


def test_a_sourced_answer_can_be_rated(widget):
    widget.open()
    widget.ask("what is the median salary")
    answer = widget.wait_for_bot("$47,190", "Source:")
    widget.settle()  # the answer's other messages have come
    replies_before = widget.bot_messages.count()
    helpful = answer.get_by_role("button", name="Helpful", exact=True)
    not_helpful = answer.get_by_role("button", name="Not helpful")
    helpful.click()
    widget.user_messages.filter(has_text="\N{THUMBS UP SIGN}").wait_for()
    assert helpful.is_disabled() and not_helpful.is_disabled(), "an answer is rated once"
    widget.wait_for_more_bot_messages(than=replies_before)  # the coach answers the rating
    assert user_texts(widget.tracker_events(widget.session_id()))[-1] == "/feedback_positive"
    # A bot message without a source line gets no rating buttons (the greeting has only its own).
    greeting = widget.bot_messages.filter(has_text="career coach").first
    assert greeting.get_by_role("button", name="Helpful", exact=True).count() == 0
    assert [b.text_content() for b in greeting.get_by_role("button").all()] == [
        "Make me a plan",
        "Check my skills",
        "Practise an interview",
        "How ready am I?",
    ]


def test_the_conversation_survives_a_reload(widget):
    widget.open()
    widget.ask("what is the median salary")
    widget.wait_for_bot("$47,190")
    widget.settle()
    session = widget.session_id()
    shown = widget.log.inner_text()

    widget.page.reload()
    widget.wait_for_bot("$47,190")  # restored from the page's storage, panel still open
    assert widget.log.inner_text() == shown
    assert widget.session_id() == session

    widget.ask("how many years is the associate degree in HIT")
    widget.wait_for_bot("two years")
    texts = user_texts(widget.tracker_events(session))
    assert "what is the median salary" in texts
    assert "how many years is the associate degree in HIT" in texts


def test_markup_from_the_user_is_shown_as_text(widget):
    widget.open()
    widget.wait_for_bot("career coach")
    widget.settle()
    replies = widget.bot_messages.count()
    attack = "<img src=x onerror=alert(1)>"
    widget.ask(attack)
    widget.user_messages.filter(has_text=attack).wait_for()
    widget.wait_for_more_bot_messages(than=replies)  # the coach's reply to it has come back
    widget.page.wait_for_timeout(300)
    assert widget.user_messages.last.text_content() == "You: " + attack
    assert widget.in_widget("return root.querySelectorAll('img').length;") == 0
    assert widget.page.evaluate("document.querySelectorAll('img').length") == 0
    assert widget.dialogs == []


def test_bot_text_is_text_and_only_web_links_are_links(widget):
    widget.open()
    widget.wait_for_bot("career coach")
    text = (
        "<b>not bold</b> <script>alert(2)</script> See https://www.bls.gov/ooh/. "
        "Not a link: javascript:alert(3)\nSource: a guide, 2023."
    )
    say_from_server(widget, widget.session_id(), text, [])
    message = widget.wait_for_bot("not bold")
    assert text in message.inner_text()
    links = widget.in_widget(
        "return [...root.querySelectorAll('.cw-bot a')].map("
        "a => [a.getAttribute('href'), a.target, a.rel, a.textContent]);"
    )
    assert links == [["https://www.bls.gov/ooh/", "_blank", "noopener noreferrer", "https://www.bls.gov/ooh/"]]
    assert widget.in_widget("return root.querySelectorAll('b, script:not([src])').length;") == 0
    assert widget.dialogs == []


def test_empty_and_too_long_messages_are_not_sent(widget):
    widget.open()
    widget.wait_for_bot("career coach")
    widget.ask("   \n  ")
    widget.input.press("Enter")
    # A value longer than the input allows (set by a script, past maxlength) is refused too.
    widget.input.evaluate("input => { input.value = 'x'.repeat(10001); }")
    widget.input.press("Enter")
    widget.page.locator(".cw-status", has_text="under 10000 characters").wait_for()
    widget.ask("what is the median salary " + "y" * 974)
    widget.user_messages.first.wait_for()
    widget.page.wait_for_timeout(1000)
    assert widget.user_messages.count() == 1
    assert widget.user_messages.first.text_content() == "You: what is the median salary " + "y" * 974
    texts = user_texts(widget.tracker_events(widget.session_id()))
    assert [t for t in texts if t != "hi"] == ["what is the median salary " + "y" * 974]


def test_keyboard_alone_can_open_ask_and_rate(widget):
    page = widget.page
    page.goto(widget.url)
    widget.launcher.wait_for()
    page.keyboard.press("Tab")
    assert widget.in_widget("return root.activeElement && root.activeElement.className;") == "cw-launcher"
    outline = widget.in_widget("return getComputedStyle(root.activeElement).outlineStyle;")
    assert outline not in ("", "none"), "focus must be visible"
    page.keyboard.press("Enter")
    assert widget.in_widget("return root.activeElement.id;") == "cw-input"
    page.keyboard.type("what is the median salary")
    page.keyboard.press("Enter")
    widget.wait_for_bot("$47,190", "Source:")
    for _ in range(12):  # back from the input through the log's buttons
        page.keyboard.press("Shift+Tab")
        if widget.in_widget("return root.activeElement.getAttribute('aria-label');") == "Helpful":
            break
    else:
        raise AssertionError("the Helpful button cannot be reached with Tab")
    page.keyboard.press("Enter")
    widget.user_messages.filter(has_text="\N{THUMBS UP SIGN}").wait_for()
    assert widget.in_widget("return root.activeElement.id;") == "cw-input", "rated: back to typing"
    page.keyboard.press("Escape")
    assert widget.page.locator(".cw-panel").is_hidden()
    assert widget.in_widget("return root.activeElement.className;") == "cw-launcher"


def test_new_messages_are_announced(widget):
    widget.open()
    log = widget.page.get_by_role("log")
    assert log.get_attribute("aria-live") == "polite"
    widget.ask("what is the median salary")
    widget.wait_for_bot("$47,190")
    # The answer is inside the live region, with who said it for a screen reader.
    assert log.locator(".cw-bot", has_text="$47,190").first.text_content().startswith("Coach: Half of")
    assert widget.page.get_by_role("status").count() == 1


def test_the_widget_reconnects_after_the_server_restarts(widget):
    widget.open()
    widget.ask("what is the median salary")
    widget.wait_for_bot("$47,190")
    session = widget.session_id()
    servers = widget.servers
    servers.stop_rasa()
    try:
        widget.page.locator(".cw-status", has_text="Reconnecting").wait_for(timeout=30_000)
        widget.ask("how many years is the associate degree in HIT")  # queued while down
        widget.user_messages.filter(has_text="associate degree").wait_for()
        time.sleep(1)
        assert widget.bot_messages.filter(has_text="two years").count() == 0
    finally:
        start_slowly(servers)
    widget.wait_for_bot("two years")
    assert widget.page.locator(".cw-status").inner_text() == ""
    assert widget.session_id() == session
    assert "how many years is the associate degree in HIT" in user_texts(widget.tracker_events(session))


def test_clear_forgets_the_conversation_and_starts_a_new_one(widget):
    widget.open()
    widget.ask("what is the median salary")
    widget.wait_for_bot("$47,190")
    widget.settle()
    old = widget.session_id()
    widget.page.get_by_role("button", name="Clear the conversation").click()
    widget.page.wait_for_function(
        "([key, old]) => { const s = JSON.parse(window.localStorage.getItem(key) || '{}');"
        " return s.sessionId && s.sessionId !== old; }",
        arg=[f"coach-widget:{widget.servers.coach.url}", old],
    )
    new = widget.session_id()
    assert widget.bot_messages.filter(has_text="$47,190").count() == 0
    assert widget.user_messages.count() == 0
    assert "what is the median salary" not in json.dumps(widget.stored())
    widget.ask("how many years is the associate degree in HIT")
    widget.wait_for_bot("two years")
    widget.settle()

    widget.page.reload()  # the page's storage holds the new conversation only
    widget.wait_for_bot("two years")
    assert widget.session_id() == new
    assert widget.user_messages.filter(has_text="median salary").count() == 0
    everything = widget.page.evaluate("JSON.stringify(Object.assign({}, window.localStorage))")
    assert old not in everything and old.split(".")[0] not in everything
    assert "what is the median salary" not in user_texts(widget.tracker_events(new))
    assert "how many years is the associate degree in HIT" in user_texts(widget.tracker_events(new))
    assert "how many years is the associate degree in HIT" not in user_texts(widget.tracker_events(old))


def test_a_stored_id_the_server_did_not_issue_starts_afresh(widget):
    """An id from before the server signed them, or copied from elsewhere: never joined, and
    the messages stored with it are not shown as if the coach still had them."""
    key = f"coach-widget:{widget.servers.coach.url}"
    widget.page.goto(widget.url)
    # The page saves what it has after the server confirms its id and again when the greeting
    # arrives: wait for both saves, or one could land after the stored id below is written and
    # replace it.
    widget.page.wait_for_function(
        "key => { const s = JSON.parse(window.localStorage.getItem(key) || '{}');"
        " return s.sessionId && (s.history || []).some(m => m.from === 'bot'); }",
        arg=key,
    )
    widget.page.evaluate(
        "([key, value]) => window.localStorage.setItem(key, value)",
        [
            key,
            json.dumps(
                {
                    "sessionId": "0123456789abcdef0123456789abcdef",
                    "open": True,
                    "history": [{"from": "user", "text": "a question from before"}],
                }
            ),
        ],
    )
    widget.page.reload()
    widget.wait_for_bot("career coach")  # the greeting of a new conversation
    assert widget.session_id() != "0123456789abcdef0123456789abcdef"
    assert widget.user_messages.filter(has_text="a question from before").count() == 0
    assert "a question from before" not in json.dumps(widget.stored())


def test_the_demo_page_has_an_icon(widget):
    widget.page.goto(widget.url)
    assert widget.page.evaluate("!!document.querySelector('link[rel~=icon]')")


def test_a_page_the_server_does_not_accept_says_so_instead_of_failing_silently(widget, other_origin_url):
    """The demo page served from another origin than the one the server allows (CORS_ORIGINS)."""
    widget.page.goto(widget.url.replace(widget.url.split("/index.html")[0], other_origin_url))
    widget.launcher.click()
    widget.page.locator(".cw-status", has_text="can't be reached from this page").wait_for(timeout=60_000)
    assert widget.bot_messages.count() == 0
