"""A page from an origin the server does not allow is named in the log once, however many polling
requests and connects it makes, and at most MAX_NOTED_ORIGINS origins are kept."""

from __future__ import annotations

import logging
from types import SimpleNamespace

from channels import socketio
from channels.socketio import CoachSocketIOInput


def noter():
    return SimpleNamespace(_origins_seen={})


def test_a_refused_origin_is_logged_once_whoever_meets_it(caplog):
    channel = noter()
    with caplog.at_level(logging.WARNING, logger="channels.socketio"):
        for _ in range(3):  # the polling handler, then the connect, then another poll
            CoachSocketIOInput._note_origin(channel, ("https://elsewhere.example", "coach.example"), False)
        CoachSocketIOInput._note_origin(channel, ("https://shop.example", "coach.example"), True)
    refused = [r.getMessage() for r in caplog.records]
    assert refused == [
        "socket.io connection from origin 'https://elsewhere.example' refused: it is not one of the allowed "
        "origins (add it to CORS_ORIGINS)"
    ]


def test_no_more_origins_are_kept_than_the_cap(caplog, monkeypatch):
    monkeypatch.setattr(socketio, "MAX_NOTED_ORIGINS", 2)
    channel = noter()
    with caplog.at_level(logging.WARNING, logger="channels.socketio"):
        for n in range(5):
            CoachSocketIOInput._note_origin(channel, (f"https://site{n}.example", "coach.example"), False)
    assert len(channel._origins_seen) == 2 and len(caplog.records) == 2
