"""The widget on a phone screen (320 and 375 px, touch): nothing covers the input or Send, a tap
sends, nothing scrolls sideways, and a new answer is shown from its first line."""

from __future__ import annotations

import pytest


def test_a_phone_screen_has_no_sideways_scroll(phone):
    phone.open()
    phone.ask("what is the median salary")
    phone.wait_for_bot("$47,190")
    phone.ask("w" * 300)  # one unbroken word must wrap too
    phone.user_messages.filter(has_text="w" * 300).wait_for()
    page = phone.page
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    assert phone.in_widget("const log = root.querySelector('.cw-log');return log.scrollWidth <= log.clientWidth;")
    box = phone.input.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 375 and box["y"] + box["height"] <= 667
    send = page.locator(".cw-send").bounding_box()
    assert send["x"] + send["width"] <= 375


def element_at_centre(widget, selector: str) -> str:
    """The class of the element a tap at the centre of `selector` would reach."""
    return widget.in_widget(
        f"const box = root.querySelector('{selector}').getBoundingClientRect();"
        "const hit = root.elementFromPoint(box.x + box.width / 2, box.y + box.height / 2);"
        "return hit ? hit.className : '';"
    )


@pytest.mark.parametrize("phone", [320, 375], indirect=True)
def test_on_a_phone_nothing_covers_send_and_a_tap_sends(phone):
    phone.page.goto(phone.url)
    phone.launcher.tap()
    phone.input.wait_for()
    phone.wait_for_bot("career coach")  # the greeting: the conversation is confirmed
    assert element_at_centre(phone, ".cw-send") == "cw-send"
    assert element_at_centre(phone, ".cw-input") == "cw-input"
    assert element_at_centre(phone, ".cw-attach") == "cw-attach"
    phone.input.fill("what is the median salary")
    phone.page.locator(".cw-send").tap()
    phone.wait_for_bot("$47,190")
    assert phone.user_messages.last.text_content() == "You: what is the median salary"


def test_a_new_answer_is_shown_from_its_first_line(phone):
    phone.open()
    phone.page.set_viewport_size({"width": 375, "height": 360})  # a phone on its side: answers outgrow it
    for question in ("what is the median salary", "how do I become a medical records technician"):
        count = phone.bot_messages.count()
        phone.ask(question)
        phone.wait_for_more_bot_messages(count)
        phone.settle()
    first_of_answer = phone.in_widget(
        "const log = root.querySelector('.cw-log');"
        "const users = root.querySelectorAll('.cw-user');"
        "let reply = users[users.length - 1].nextElementSibling;"
        "let height = 0;"
        "for (let m = reply; m; m = m.nextElementSibling) height += m.getBoundingClientRect().height;"
        "const top = reply.getBoundingClientRect().top, view = log.getBoundingClientRect();"
        "return [top - view.top, view.bottom - top, height > log.clientHeight];"
    )
    below_top, above_bottom, outgrows = first_of_answer
    assert outgrows, "the answer must be taller than the log for this test to mean anything"
    assert below_top >= -1 and above_bottom > 40, first_of_answer
