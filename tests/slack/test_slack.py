"""The Slack channel end to end: signed Events API requests to /webhooks/slack/webhook on the
real servers, replies caught by a local fake of Slack's chat.postMessage."""

from __future__ import annotations

import json
import time

import pytest

from tests.slack.conftest import BOT_TOKEN, BOT_USER, LISTENED_CHANNEL, event


def texts(posts) -> str:
    return "\n".join(p["body"].get("text", "") for p in posts)


def test_the_url_verification_challenge_is_answered(slack):
    status, body = slack.send(
        {
            "token": "unused",
            "challenge": "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P",
            "type": "url_verification",
        }
    )
    assert status == 200
    assert json.loads(body) == {"challenge": "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P"}


def test_a_mention_in_a_channel_gets_a_sourced_answer_in_its_thread(slack, fake_slack):
    request = event(f"<@{BOT_USER}> what is the median salary")
    channel, ts = request["event"]["channel"], request["event"]["ts"]
    status, _ = slack.send(request)
    assert status == 200
    posts = fake_slack.replies(channel)
    assert "$47,190" in texts(posts) and "Source:" in texts(posts)
    assert all(p["body"]["thread_ts"] == ts for p in posts)
    assert all(p["authorization"] == f"Bearer {BOT_TOKEN}" for p in posts)
    assert all("as_user" not in p["body"] for p in posts)  # legacy; refused from new apps' tokens
    assert BOT_USER not in texts(posts)


def test_a_direct_message_is_answered_in_the_conversation_not_a_thread(slack, fake_slack):
    request = event("who runs the RHIT exam", kind="message", channel_type="im", channel="D" + "0" * 9 + "1")
    status, _ = slack.send(request)
    assert status == 200
    posts = fake_slack.replies("D0000000001")
    assert "American Health Information Management Association" in texts(posts)
    assert all("thread_ts" not in p["body"] for p in posts)


def test_a_direct_message_written_in_a_thread_is_answered_there(slack, fake_slack):
    request = event(
        "what is the median salary",
        kind="message",
        channel_type="im",
        channel="D0000000002",
        thread_ts="1700000000.000100",
    )
    slack.send(request)
    posts = fake_slack.replies("D0000000002")
    assert "$47,190" in texts(posts)
    assert all(p["body"]["thread_ts"] == "1700000000.000100" for p in posts)


# How a request is signed; "clock" is the timestamp's offset from now, in seconds.
REJECTED = {
    "no signature": dict(signed=False),
    "signed with another secret": dict(secret="not-the-signing-secret"),
    "timestamp five minutes and ten seconds old": dict(clock=-310),
    "timestamp six minutes ahead": dict(clock=360),
}


@pytest.mark.parametrize("how", REJECTED, ids=list(REJECTED))
def test_a_request_not_signed_by_slack_is_rejected(slack, fake_slack, how):
    request = event(f"<@{BOT_USER}> what is the median salary")
    sign = dict(REJECTED[how])
    if "clock" in sign:
        sign["timestamp"] = int(time.time()) + sign.pop("clock")
    status, body = slack.send(request, **sign)
    assert status == 400 and b"X-Slack-Signature" in body
    # The same user's next, signed message is answered alone: nothing was queued before it.
    follow_up = event("thank you", channel=request["event"]["channel"], user=request["event"]["user"])
    assert slack.send(follow_up)[0] == 200
    assert "$47,190" not in texts(fake_slack.replies(request["event"]["channel"]))


def test_a_body_changed_after_signing_is_rejected(slack):
    request = event(f"<@{BOT_USER}> what is the median salary")
    raw = json.dumps(request).encode()
    headers = slack.headers(raw)
    status, _ = slack.send(raw.replace(b"median", b"lowest"), headers=headers, signed=False)
    assert status == 400


def test_a_retry_of_a_message_gets_no_second_reply(slack, fake_slack):
    request = event(f"<@{BOT_USER}> what is the median salary")
    channel = request["event"]["channel"]
    assert slack.send(request)[0] == 200
    first = len(fake_slack.replies(channel))
    for number, reason in enumerate(["http_timeout", "http_error", "connection_failed"], 1):
        status, _ = slack.send(request, headers={"X-Slack-Retry-Num": str(number), "X-Slack-Retry-Reason": reason})
        assert status == 200
    follow_up = event("thank you", channel=channel, user=request["event"]["user"])
    slack.send(follow_up)
    posts = fake_slack.replies(channel, at_least=first + 1)
    assert texts(posts).count("$47,190") == texts(posts[:first]).count("$47,190") > 0
    assert len(posts) > first  # the follow-up was answered, after any second reply would be


def test_a_retry_says_slack_need_not_retry_again(slack, fake_slack):
    request = event(f"<@{BOT_USER}> what is the RHIT")
    slack.send(request)
    fake_slack.replies(request["event"]["channel"])
    status, _, headers = _send_with_headers(
        slack, request, {"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_error"}
    )
    assert status == 200 and headers.get("X-Slack-No-Retry") == "1"


def test_a_retry_of_a_message_that_never_arrived_is_answered(slack, fake_slack):
    """Only repeats are dropped: if the first delivery was lost, the retry is the message."""
    request = event(f"<@{BOT_USER}> what is the median salary")
    status, _ = slack.send(request, headers={"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "connection_failed"})
    assert status == 200
    assert "$47,190" in texts(fake_slack.replies(request["event"]["channel"]))


def test_a_message_delivered_as_message_and_as_mention_is_answered_once(slack, fake_slack):
    """In the channel it reads, a mention comes twice: a message event and an app_mention."""
    as_message = event(f"<@{BOT_USER}> what is the median salary", kind="message", channel=LISTENED_CHANNEL)
    as_mention = event(
        f"<@{BOT_USER}> what is the median salary",
        channel=LISTENED_CHANNEL,
        user=as_message["event"]["user"],
        ts=as_message["event"]["ts"],
    )
    assert slack.send(as_message)[0] == 200
    assert slack.send(as_mention)[0] == 200
    follow_up = event("thank you", kind="message", channel=LISTENED_CHANNEL, user=as_message["event"]["user"])
    slack.send(follow_up)
    posts = fake_slack.replies(LISTENED_CHANNEL, at_least=2)
    answers = [p for p in posts if "$47,190" in p["body"]["text"]]
    assert len({p["body"]["text"] for p in answers}) == len(answers)


def test_a_channel_message_without_a_mention_elsewhere_is_not_answered(slack, fake_slack):
    request = event("what is the median salary", kind="message")
    channel = request["event"]["channel"]
    assert slack.send(request)[0] == 200
    mention = event(f"<@{BOT_USER}> thank you", channel=channel, user=request["event"]["user"])
    slack.send(mention)
    assert "$47,190" not in texts(fake_slack.replies(channel))


BOT_MESSAGES = {
    "bot_id": dict(bot_id="B0COACH01"),
    "subtype bot_message": dict(subtype="bot_message", username="coach"),
}


@pytest.mark.parametrize("fields", BOT_MESSAGES.values(), ids=list(BOT_MESSAGES))
def test_a_bot_message_gets_no_reply(slack, fake_slack, fields):
    request = event(f"<@{BOT_USER}> what is the median salary", **fields)
    channel = request["event"]["channel"]
    assert slack.send(request)[0] == 200
    slack.send(event(f"<@{BOT_USER}> thank you", channel=channel))
    assert "$47,190" not in texts(fake_slack.replies(channel))


MALFORMED = {
    "not JSON": (b'{"type": "event_callback", "event": ', "application/json"),
    "a JSON list": (b"[1, 2]", "application/json"),
    "a JSON string": (b'"hello"', "application/json"),
    "no event": (b'{"type": "event_callback", "team_id": "T0001"}', "application/json"),
    "an event that is not an object": (b'{"type": "event_callback", "event": "message"}', "application/json"),
    "text that is not a string": (
        b'{"type": "event_callback", "event": {"type": "message", "text": 5, '
        b'"channel": "C1", "user": "U1", "channel_type": "im"}}',
        "application/json",
    ),
    "a challenge that is not a string": (b'{"type": "url_verification", "challenge": ["x"]}', "application/json"),
    "form without payload": (b"text=hello", "application/x-www-form-urlencoded"),
    "form payload not JSON": (b"payload=%7Bnot", "application/x-www-form-urlencoded"),
    "another content type": (b"hello", "text/plain"),
    "empty": (b"", "application/json"),
}


@pytest.mark.parametrize("body, content_type", MALFORMED.values(), ids=list(MALFORMED))
def test_a_malformed_body_gets_a_4xx(slack, slack_is_up, body, content_type):
    status, payload = slack.send(body, content_type=content_type)
    assert 400 <= status < 500, (status, payload[:300])


# What Slack delivers when a user types <script>alert(1)</script>: it escapes <, > and &.
ODD_MESSAGES = {
    "script": "&lt;script&gt;alert(1)&lt;/script&gt;",
    "html": "&lt;img src=x onerror=alert(1)&gt; &amp; &lt;b&gt;bold&lt;/b&gt;",
    "5,000 characters": "x" * 5000,
    "5,000 characters of words": ("medical records " * 313)[:5000],
}


@pytest.mark.parametrize("text", ODD_MESSAGES.values(), ids=list(ODD_MESSAGES))
def test_odd_messages_get_a_clear_reply_and_the_server_stays_up(slack, fake_slack, slack_is_up, text):
    request = event(text, kind="message", channel_type="im", channel="D" + event("")["event"]["channel"][1:])
    assert slack.send(request)[0] == 200
    reply = texts(fake_slack.replies(request["event"]["channel"]))
    assert reply.strip()
    assert "<script" not in reply and "onerror" not in reply and "x" * 100 not in reply


def _send_with_headers(slack, body, headers):
    """Like Slack.send, but also returns the response headers."""
    import urllib.error
    import urllib.request

    raw = json.dumps(body).encode()
    request = urllib.request.Request(
        slack.url, data=raw, headers={"Content-Type": "application/json", **slack.headers(raw), **headers}
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, response.read(), dict(response.headers)
    except urllib.error.HTTPError as error:
        return error.code, error.read(), dict(error.headers)


def test_a_resume_pasted_in_a_direct_message_is_checked(slack, fake_slack):
    from tests.samples import RESUME

    request = event(RESUME, kind="message", channel_type="im", channel="D0000000003")
    status, _ = slack.send(request)
    assert status == 200
    posts = fake_slack.replies("D0000000003")
    assert "Your resume shows EHR systems (Epic)" in texts(posts) and "Source:" in texts(posts)


def test_the_readiness_assessment_in_a_direct_message_keeps_its_numbered_steps(slack, fake_slack):
    channel, posts = "D0000000004", 0
    for text in ("how ready am i?", "some college", "yes I have", "not yet"):
        request = event(text, kind="message", channel_type="im", channel=channel, user="U0000000004")
        assert slack.send(request)[0] == 200
        posts = len(fake_slack.replies(channel, at_least=posts + 1))  # each answer before the next turn
    said = texts(fake_slack.replies(channel))
    assert "Your readiness for an entry-level role" in said, said
    assert "\n1. " in said and "\n3. " in said and "\nSources: " in said, said


def test_text_for_slack_escapes_what_mrkdwn_would_read_as_a_link_or_a_mention():
    from channels.slack import mrkdwn_text

    assert mrkdwn_text("Pay & benefits <@U123> <https://x|y>") == "Pay &amp; benefits &lt;@U123&gt; &lt;https://x|y&gt;"
    assert mrkdwn_text("• 1. Sources: A; B.") == "• 1. Sources: A; B."
