"""The website widget in real headless Chromium (Debian's package, driven by Playwright), talking
to the real coach over Socket.IO, with web/ served on a free local port."""

from __future__ import annotations

import contextlib
import functools
import json
import shutil
import threading
import urllib.parse
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Iterator, List

import pytest

from channels.sessions import conversation_id
from tests.servers import ROOT, Servers, free_port, get

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
REPLY_TIMEOUT = 60_000  # ms: one answer from the coach
# Where a screenshot of the widget answering is written, when WIDGET_SCREENSHOT names a file.
SCREENSHOT_ENV = "WIDGET_SCREENSHOT"


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


@contextlib.contextmanager
def serving(directory: Path) -> Iterator[str]:
    """`directory` served on a free port of this machine, as its http:// origin."""
    handler = functools.partial(_QuietHandler, directory=str(directory))
    server = ThreadingHTTPServer(("127.0.0.1", free_port()), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="session")
def web_url() -> Iterator[str]:
    """web/ served as `make run` serves it, on a free port of this machine."""
    with serving(ROOT / "web") as url:
        yield url


@pytest.fixture(scope="session")
def other_origin_url() -> Iterator[str]:
    """web/ served on another free port: an origin the coach's server does not allow."""
    with serving(ROOT / "web") as url:
        yield url


# rasa-webchat, the standard Rasa widget, as scripts/ensure_webchat.sh fetched it from npm.
WEBCHAT_BUNDLE = ROOT / "build" / "rasa-webchat" / "rasa-webchat-1.0.1.js"
# A site owner's page with rasa-webchat on it, as its README shows, talking to ?server=.
WEBCHAT_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>A site with rasa-webchat</title></head>
<body><h1>A site with rasa-webchat</h1>
<script src="rasa-webchat.js"></script>
<script>
  window.WebChat.default({
    socketUrl: new URLSearchParams(location.search).get("server"),
    socketPath: "/socket.io/",
    initPayload: "/greet",
    title: "Career coach",
    params: {storage: "session"}
  }, null);
</script></body></html>
"""


@pytest.fixture(scope="session")
def webchat_site(tmp_path_factory) -> Path:
    """A site owner's page with rasa-webchat 1.0.1 on it."""
    site = tmp_path_factory.mktemp("webchat-site")
    (site / "index.html").write_text(WEBCHAT_PAGE, encoding="utf-8")
    if WEBCHAT_BUNDLE.is_file():
        shutil.copy(WEBCHAT_BUNDLE, site / "rasa-webchat.js")
    return site


@pytest.fixture(scope="session")
def webchat_url(webchat_site) -> Iterator[str]:
    """The rasa-webchat page, served from an origin the server allows."""
    with serving(webchat_site) as url:
        yield url


@pytest.fixture(scope="session")
def servers(tmp_path_factory, knowledge_url, web_url, webchat_url) -> Iterator[Servers]:
    """Both servers with the project's credentials.yml; CORS allows the demo page's origin and the
    rasa-webchat page's, as CORS_ORIGINS would list a site owner's."""
    running = Servers(tmp_path_factory.mktemp("servers"), knowledge_url, rasa_args=["--cors", web_url, webchat_url])
    try:
        yield running.start()
    finally:
        running.stop()


class Widget:
    """The demo page in one browser page, and the widget inside its shadow root."""

    def __init__(self, page, servers: Servers, web_url: str):
        self.page = page
        self.servers = servers
        self.url = f"{web_url}/index.html?server={urllib.parse.quote(servers.coach.url, safe='')}"
        self.dialogs: List[str] = []
        page.on("dialog", lambda dialog: (self.dialogs.append(dialog.message), dialog.dismiss()))
        page.set_default_timeout(REPLY_TIMEOUT)
        # Locators are looked up when used; CSS selectors reach into the widget's shadow root.
        self.launcher = page.locator(".cw-launcher")
        self.log = page.locator(".cw-log")
        self.input = page.locator(".cw-input")
        self.bot_messages = page.locator(".cw-msg.cw-bot")
        self.user_messages = page.locator(".cw-msg.cw-user")

    def open(self) -> "Widget":
        self.page.goto(self.url)
        self.launcher.click()
        self.page.locator(".cw-input").wait_for()
        return self

    def ask(self, text: str) -> None:
        self.input.fill(text)
        self.input.press("Enter")

    def wait_for_bot(self, *needles: str):
        """The first bot message holding every needle."""
        message = self.bot_messages
        for needle in needles:
            message = message.filter(has_text=needle)
        message.first.wait_for()
        return message.first

    def wait_for_more_bot_messages(self, than: int) -> None:
        self.page.wait_for_function(
            "than => document.getElementById('coach-widget').shadowRoot.querySelectorAll('.cw-bot').length > than",
            arg=than,
        )

    def settle(self, quiet_ms: int = 1500) -> None:
        """Waits until no new message has come for `quiet_ms` (an answer is several messages)."""
        count = -1
        while count != self.bot_messages.count():
            count = self.bot_messages.count()
            self.page.wait_for_timeout(quiet_ms)

    def session_id(self) -> str:
        key = f"coach-widget:{self.servers.coach.url}"
        stored = self.page.evaluate("key => window.localStorage.getItem(key)", key)
        assert stored, "the widget stored nothing"
        return json.loads(stored)["sessionId"]

    def stored(self) -> dict:
        """What the widget keeps in the page's storage."""
        key = f"coach-widget:{self.servers.coach.url}"
        return json.loads(self.page.evaluate("key => window.localStorage.getItem(key)", key) or "{}")

    def tracker_url(self, session_id: str) -> str:
        """The HTTP API's address of the conversation the widget's session id stands for."""
        return f"{self.servers.coach.url}/conversations/{conversation_id(session_id)}/tracker"

    def tracker_events(self, session_id: str) -> list:
        status, body = get(self.tracker_url(session_id))
        assert status == 200, (status, body[:300])
        return json.loads(body)["events"]

    def in_widget(self, script: str):
        """Runs `script` with `root` bound to the widget's shadow root."""
        return self.page.evaluate(
            f"() => {{ const root = document.getElementById('coach-widget').shadowRoot; {script} }}"
        )


def chromium_context(tmp_path: Path, playwright, **options):
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: run scripts/ensure_chromium.sh (make test-browser does)")
    profile = tmp_path / "profile"
    if profile.exists():
        shutil.rmtree(profile)
    return playwright.chromium.launch_persistent_context(
        str(profile), executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_FLAGS, **options
    )


@pytest.fixture(scope="session")
def playwright():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as running:
        yield running


@pytest.fixture
def widget(tmp_path, playwright, servers, web_url) -> Iterator[Widget]:
    """A fresh browser profile (so a fresh conversation) on a desktop-sized page."""
    context = chromium_context(tmp_path, playwright, viewport={"width": 1280, "height": 800})
    try:
        yield Widget(context.pages[0] if context.pages else context.new_page(), servers, web_url)
    finally:
        context.close()


@pytest.fixture
def phone(request, tmp_path, playwright, servers, web_url) -> Iterator[Widget]:
    """A fresh browser profile on a phone screen, 375px wide unless a test asks for others
    (`@pytest.mark.parametrize("phone", [320, 375], indirect=True)`)."""
    width = getattr(request, "param", 375)
    context = chromium_context(
        tmp_path,
        playwright,
        viewport={"width": width, "height": 667},
        is_mobile=True,
        has_touch=True,
        device_scale_factor=2,
    )
    try:
        widget = Widget(context.pages[0] if context.pages else context.new_page(), servers, web_url)
        widget.width = width
        yield widget
    finally:
        context.close()
