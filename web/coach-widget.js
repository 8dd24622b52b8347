/*
 * The career coach's chat widget: plain JavaScript on socket.io-client 4, no build step.
 *
 * Embed:
 *   <script>
 *     window.coachWidgetConfig = { serverUrl: "https://coach.example.org", title: "Career coach" };
 *   </script>
 *   <script src="https://your.site/coach/coach-widget.js" defer></script>
 *
 * Everything the user or the coach writes is inserted as text (textContent); only http(s) links
 * in the coach's text become <a> elements. See the README for the options.
 *
 * The conversation lasts across page loads: the session id the server issued (signed, so only
 * this browser can rejoin it) and the messages shown are kept in localStorage. "Clear" in the
 * header forgets both and starts a new conversation; the old one cannot be joined from this
 * browser again. If the server no longer knows the stored id (it gives another), the stored
 * messages are forgotten too, since the coach no longer has their context.
 */
(function () {
  "use strict";

  var SCRIPT = document.currentScript;
  var MAX_LENGTH = 10000;       // characters in one message (the server's limit): room for a pasted resume
  var DOCUMENT_WORDS = 60;      // a message this long over several lines is a pasted document:
  var DOCUMENT_LINES = 3;       //   shown, but not kept in this browser's storage
  var MAX_FILE_BYTES = 1000000; // an attached file (the server's request limit)
  var UNREACHABLE_AFTER = 3;    // failed connection attempts before the status says so plainly
  var MAX_STORED = 100;         // messages kept for the history restored after a reload
  var SOURCE_LINE = /^Source:/m;
  var LINK = /https?:\/\/[^\s<>"']+/g;
  var FEEDBACK = [
    { payload: "/feedback_positive", shown: "\uD83D\uDC4D", label: "Helpful" },
    { payload: "/feedback_negative", shown: "\uD83D\uDC4E", label: "Not helpful" }
  ];

  var STYLE = [
    ":host { all: initial; }",
    ".cw { --cw-primary: #1d4f91; --cw-on-primary: #ffffff; --cw-bg: #ffffff; --cw-text: #1b1b1b;",
    "  font: 15px/1.45 system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif; color: var(--cw-text); }",
    ".cw *, .cw *::before, .cw *::after { box-sizing: border-box; }",
    ".cw-launcher { position: fixed; right: 16px; bottom: 16px; z-index: 2147483000; border: 0;",
    "  border-radius: 24px; padding: 12px 18px; background: var(--cw-primary); color: var(--cw-on-primary);",
    "  font: inherit; font-weight: 600; cursor: pointer; box-shadow: 0 2px 10px rgba(0,0,0,.25); }",
    ".cw-panel { position: fixed; right: 16px; bottom: 76px; z-index: 2147483000; width: 380px;",
    "  max-width: calc(100vw - 16px); height: 560px; max-height: calc(100vh - 92px); display: flex;",
    "  flex-direction: column; background: var(--cw-bg); border: 1px solid #c9ced6; border-radius: 10px;",
    "  box-shadow: 0 6px 24px rgba(0,0,0,.2); overflow: hidden; }",
    ".cw-panel[hidden] { display: none; }",
    ".cw-header { display: flex; align-items: center; justify-content: space-between; gap: 8px;",
    "  padding: 10px 12px; background: var(--cw-primary); color: var(--cw-on-primary); }",
    ".cw-title { margin: 0; font-size: 16px; font-weight: 600; }",
    ".cw-actions { display: flex; align-items: center; gap: 4px; }",
    ".cw-clear { border: 1px solid currentColor; background: transparent; color: inherit; font: inherit;",
    "  font-size: 13px; padding: 2px 8px; cursor: pointer; border-radius: 12px; }",
    ".cw-close { border: 0; background: transparent; color: inherit; font: inherit; font-size: 20px;",
    "  line-height: 1; padding: 4px 8px; cursor: pointer; border-radius: 4px; }",
    ".cw-log { position: relative; flex: 1; overflow-y: auto; overflow-x: hidden; padding: 12px; display: flex;",
    "  flex-direction: column; gap: 8px; }",
    ".cw-msg { max-width: 88%; padding: 8px 11px; border-radius: 10px; white-space: pre-wrap;",
    "  overflow-wrap: anywhere; }",
    ".cw-bot { align-self: flex-start; background: #eef1f5; }",
    ".cw-user { align-self: flex-end; background: var(--cw-primary); color: var(--cw-on-primary); }",
    ".cw-user a, .cw-bot a { color: inherit; text-decoration: underline; }",
    ".cw-who { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0);",
    "  white-space: nowrap; }",
    ".cw-buttons { display: flex; flex-wrap: wrap; gap: 6px; margin-top: 8px; white-space: normal; }",
    ".cw-buttons button, .cw-feedback button { font: inherit; font-size: 14px; cursor: pointer;",
    "  border: 1px solid var(--cw-primary); background: var(--cw-bg); color: var(--cw-primary);",
    "  border-radius: 14px; padding: 4px 10px; }",
    ".cw-feedback { display: flex; gap: 6px; margin-top: 6px; white-space: normal; }",
    ".cw-feedback button { padding: 2px 8px; }",
    ".cw-panel button:disabled { opacity: .5; cursor: default; }",
    ".cw-status { min-height: 1.4em; padding: 0 12px; font-size: 13px; color: #555; }",
    ".cw-form { display: flex; gap: 8px; padding: 8px 12px 12px; border-top: 1px solid #e2e5ea; }",
    ".cw-input { flex: 1; min-width: 0; resize: none; font: inherit; padding: 8px; border: 1px solid #8a93a0;",
    "  border-radius: 6px; color: var(--cw-text); background: var(--cw-bg); }",
    ".cw-attach { border: 1px solid #8a93a0; border-radius: 6px; padding: 0 8px; font: inherit;",
    "  background: var(--cw-bg); color: var(--cw-text); cursor: pointer; }",
    ".cw-file { display: none; }",
    ".cw-send { border: 0; border-radius: 6px; padding: 0 14px; font: inherit; font-weight: 600;",
    "  background: var(--cw-primary); color: var(--cw-on-primary); cursor: pointer; }",
    ".cw :focus-visible { outline: 3px solid #f0a500; outline-offset: 2px; }",
    "@media (max-width: 480px) {",
    "  .cw-panel { right: 0; bottom: 0; width: 100vw; max-width: 100vw; height: 100%; max-height: 100%;",
    "    border-radius: 0; }",
    "  .cw-launcher { right: 12px; bottom: 12px; }",
    // The open panel fills a phone's screen and has its own close button: the launcher would
    // sit on the input and Send, and take their taps.
    "  .cw-panel:not([hidden]) + .cw-launcher { display: none; } }"
  ].join("\n");

  function make(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  // The coach's text as text nodes, with http(s) links as <a> elements; nothing is parsed as HTML.
  function appendText(parent, text, withLinks) {
    if (!withLinks) {
      parent.appendChild(document.createTextNode(text));
      return;
    }
    var last = 0;
    text.replace(LINK, function (match, offset) {
      var url = match.replace(/[.,;:!?)\]]+$/, "");
      var href = safeHref(url);
      if (!href) return match;
      parent.appendChild(document.createTextNode(text.slice(last, offset)));
      var link = make("a", "", url);
      link.href = href;
      link.target = "_blank";
      link.rel = "noopener noreferrer";
      parent.appendChild(link);
      last = offset + url.length;
      return match;
    });
    parent.appendChild(document.createTextNode(text.slice(last)));
  }

  function safeHref(url) {
    try {
      var parsed = new URL(url);
      return parsed.protocol === "http:" || parsed.protocol === "https:" ? parsed.href : null;
    } catch (error) {
      return null;
    }
  }

  function storage() {
    try {
      var probe = "coach-widget-probe";
      window.localStorage.setItem(probe, probe);
      window.localStorage.removeItem(probe);
      return window.localStorage;
    } catch (error) {
      return null;  // private mode or storage refused: the conversation lasts as long as the page
    }
  }

  function Widget(config) {
    this.config = config;
    this.serverUrl = String(config.serverUrl || window.location.origin).replace(/\/+$/, "");
    this.storageKey = config.storageKey || "coach-widget:" + this.serverUrl;
    this.store = storage();
    var saved = this.load();
    this.sessionId = saved.sessionId || null;
    this.history = (saved.history || []).filter(function (message) {
      return message && typeof message === "object";
    });
    this.confirmed = false;
    this.queue = [];
    this.replyStart = null;     // the first message of the coach's reply being shown
    this.build();
    this.history.forEach(function (message) { this.render(message, false); }, this);
    this.setOpen(config.open === true || saved.open === true);
    this.connect();
  }

  Widget.prototype.load = function () {
    if (!this.store) return {};
    try {
      var saved = JSON.parse(this.store.getItem(this.storageKey) || "{}");
      return saved && typeof saved === "object" && Array.isArray(saved.history || []) ? saved : {};
    } catch (error) {
      return {};
    }
  };

  Widget.prototype.save = function () {
    if (!this.store) return;
    this.history = this.history.slice(-MAX_STORED);
    var kept = this.history.map(function (message) {
      return message.document ? { from: message.from, text: "(a pasted document, not kept)" } : message;
    });
    try {
      this.store.setItem(this.storageKey, JSON.stringify({
        sessionId: this.sessionId, history: kept, open: !this.panel.hidden
      }));
    } catch (error) { /* storage full: the page keeps working without it */ }
  };

  Widget.prototype.build = function () {
    var config = this.config;
    var host = make("div");
    host.id = "coach-widget";
    var root = host.attachShadow({ mode: "open" });
    var style = make("style", "", STYLE);
    var frame = make("div", "cw");
    var colours = { primaryColor: "--cw-primary", primaryTextColor: "--cw-on-primary",
                    backgroundColor: "--cw-bg", textColor: "--cw-text" };
    Object.keys(colours).forEach(function (option) {
      if (config[option]) frame.style.setProperty(colours[option], String(config[option]));
    });
    var title = String(config.title || "Career coach");

    this.launcher = make("button", "cw-launcher", config.launcherText || "Chat with the " + title.toLowerCase());
    this.launcher.type = "button";
    this.launcher.setAttribute("aria-controls", "cw-panel");
    this.launcher.setAttribute("aria-expanded", "false");

    this.panel = make("section", "cw-panel");
    this.panel.id = "cw-panel";
    this.panel.setAttribute("aria-label", title);
    var header = make("div", "cw-header");
    header.appendChild(make("h2", "cw-title", title));
    var actions = make("div", "cw-actions");
    var clear = make("button", "cw-clear", "Clear");
    clear.type = "button";
    clear.setAttribute("aria-label", "Clear the conversation and start a new one");
    var close = make("button", "cw-close", "\u00D7");
    close.type = "button";
    close.setAttribute("aria-label", "Close the chat");
    actions.appendChild(clear);
    actions.appendChild(close);
    header.appendChild(actions);

    this.log = make("div", "cw-log");
    this.log.setAttribute("role", "log");
    this.log.setAttribute("aria-live", "polite");
    this.log.setAttribute("aria-label", "Conversation");
    this.log.tabIndex = 0;  // scrollable with the keyboard
    this.status = make("div", "cw-status");
    this.status.setAttribute("role", "status");

    var form = make("form", "cw-form");
    var label = make("label", "cw-who", "Your question");
    label.htmlFor = "cw-input";
    this.input = make("textarea", "cw-input");
    this.input.id = "cw-input";
    this.input.rows = 2;
    this.input.maxLength = MAX_LENGTH;
    this.input.placeholder = "Ask about pay, training, certification\u2026";
    var send = make("button", "cw-send", "Send");
    send.type = "submit";
    // A resume, posting or letter as a file: its text is read on the server and sent as a message.
    var attach = make("button", "cw-attach", "\uD83D\uDCCE");
    attach.type = "button";
    attach.title = "Attach a resume, job posting or cover letter (.txt, .pdf, .docx)";
    attach.setAttribute("aria-label", attach.title);
    this.file = make("input", "cw-file");
    this.file.type = "file";
    this.file.accept = ".txt,.pdf,.docx";
    this.file.tabIndex = -1;
    form.appendChild(label);
    form.appendChild(this.input);
    form.appendChild(attach);
    form.appendChild(this.file);
    form.appendChild(send);

    this.panel.appendChild(header);
    this.panel.appendChild(this.log);
    this.panel.appendChild(this.status);
    this.panel.appendChild(form);
    frame.appendChild(this.panel);
    frame.appendChild(this.launcher);
    root.appendChild(style);
    root.appendChild(frame);
    document.body.appendChild(host);

    var self = this;
    this.launcher.addEventListener("click", function () { self.setOpen(self.panel.hidden); });
    close.addEventListener("click", function () { self.setOpen(false); self.launcher.focus(); });
    clear.addEventListener("click", function () { self.clear(); });
    attach.addEventListener("click", function () { self.file.click(); });
    this.file.addEventListener("change", function () {
      var chosen = self.file.files && self.file.files[0];
      self.file.value = "";
      if (chosen) self.attach(chosen);
    });
    this.panel.addEventListener("keydown", function (event) {
      if (event.key === "Escape") { self.setOpen(false); self.launcher.focus(); }
    });
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      self.submit();
    });
    this.input.addEventListener("keydown", function (event) {
      // Enter sends; Shift+Enter starts a new line.
      if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        self.submit();
      }
    });
  };

  Widget.prototype.setOpen = function (open) {
    this.panel.hidden = !open;
    this.launcher.setAttribute("aria-expanded", String(open));
    if (open) {
      this.log.scrollTop = this.log.scrollHeight;
      this.input.focus();
    }
    this.save();
  };

  // Forgets the session id and the messages, here and in storage, and asks for a new session.
  Widget.prototype.clear = function () {
    this.queue = [];
    this.forget();
    this.confirmed = false;
    if (this.socket && this.socket.connected) this.socket.emit("session_request", { session_id: null });
    this.setStatus("A new conversation has started.");
    this.input.focus();
  };

  Widget.prototype.forget = function () {
    this.sessionId = null;
    this.history = [];
    while (this.log.firstChild) this.log.removeChild(this.log.firstChild);
    this.save();
  };

  Widget.prototype.setStatus = function (text) {
    this.status.textContent = text || "";
  };

  Widget.prototype.submit = function () {
    var text = this.input.value.trim();
    if (!text) {
      this.input.value = "";
      return;  // an empty message is never sent
    }
    if (text.length > MAX_LENGTH) {
      this.setStatus("Please keep a message under " + MAX_LENGTH + " characters.");
      return;
    }
    this.input.value = "";
    var lines = text.split(/\n/).filter(function (line) { return line.trim(); }).length;
    var pasted = lines >= DOCUMENT_LINES && text.split(/\s+/).length >= DOCUMENT_WORDS;
    this.send(text, text, pasted);
  };

  // Sends an attached file's text, read on the server, as a message shown by the file's name.
  Widget.prototype.attach = function (file) {
    var self = this;
    if (file.size > MAX_FILE_BYTES) {
      this.setStatus("That file is larger than 1 MB; a resume or letter is much smaller.");
      return;
    }
    var body = new FormData();
    body.append("file", file, file.name);
    this.setStatus("Reading " + file.name + "\u2026");
    fetch(this.serverUrl + "/webhooks/rest/document-text", { method: "POST", body: body })
      .then(function (reply) {
        return reply.json().then(function (data) { return { ok: reply.ok, data: data || {} }; });
      })
      .then(function (result) {
        if (!result.ok || typeof result.data.text !== "string") {
          self.setStatus(result.data.message || "That file could not be read; please paste its text.");
          return;
        }
        self.setStatus("");
        self.send(result.data.text, "\uD83D\uDCCE " + file.name, true);
      })
      .catch(function () {
        self.setStatus("The file could not be sent; please try again or paste its text.");
      });
  };

  // Shows `shown` as the user's message and sends `payload` (a button's payload, or the text);
  // a pasted `document` is shown but not kept in storage.
  Widget.prototype.send = function (payload, shown, pasted) {
    this.add(pasted ? { from: "user", text: shown, document: true } : { from: "user", text: shown });
    this.queue.push(payload);
    this.flush();
  };

  Widget.prototype.flush = function () {
    // Only once the server has confirmed the conversation: a reply sent before would be lost.
    while (this.confirmed && this.socket.connected && this.queue.length) {
      // plain_text: the widget shows the coach's lines as they are, so the server leaves out what
      // keeps them whole in Markdown clients (channels/socketio.py).
      this.socket.emit("user_uttered", { message: this.queue.shift(), session_id: this.sessionId, plain_text: true });
    }
  };

  Widget.prototype.add = function (message) {
    this.history.push(message);
    this.save();
    this.render(message, true);
  };

  // `live`: a message arriving now (not one restored after a reload), which scrolls the log.
  Widget.prototype.render = function (message, live) {
    var self = this;
    var bot = message.from === "bot";
    var bubble = make("div", "cw-msg " + (bot ? "cw-bot" : "cw-user"));
    bubble.appendChild(make("span", "cw-who", bot ? "Coach: " : "You: "));
    appendText(bubble, String(message.text || ""), bot);

    if (bot && Array.isArray(message.buttons) && message.buttons.length) {
      var group = make("div", "cw-buttons");
      message.buttons.forEach(function (button) {
        var element = make("button", "", String(button.title));
        element.type = "button";
        element.addEventListener("click", function () {
          self.send(String(button.payload), String(button.title));
        });
        group.appendChild(element);
      });
      bubble.appendChild(group);
    }
    if (bot && SOURCE_LINE.test(message.text || "")) {
      bubble.appendChild(this.feedback(message));
    }
    this.log.appendChild(bubble);
    if (!live) return;  // restored history: opening the panel shows its end
    if (!bot) {
      this.replyStart = null;
      this.log.scrollTop = this.log.scrollHeight;
      return;
    }
    // A reply is shown from its first line (where the answer and its figure are), and as much
    // of it as fits; the rest is a scroll away.
    if (!this.replyStart) this.replyStart = bubble;
    this.log.scrollTop = Math.min(this.log.scrollHeight - this.log.clientHeight,
                                  this.replyStart.offsetTop - 8);
  };

  // "Helpful" / "Not helpful" under a sourced answer; one rating per answer.
  Widget.prototype.feedback = function (message) {
    var self = this;
    var group = make("div", "cw-feedback");
    group.setAttribute("role", "group");
    group.setAttribute("aria-label", "Rate this answer");
    FEEDBACK.forEach(function (choice) {
      var element = make("button", "", choice.shown);
      element.type = "button";
      element.setAttribute("aria-label", choice.label);
      element.disabled = Boolean(message.rated);
      element.addEventListener("click", function () {
        message.rated = choice.payload;
        Array.prototype.forEach.call(group.querySelectorAll("button"), function (b) { b.disabled = true; });
        self.send(choice.payload, choice.shown);
        self.input.focus();  // the pressed button is disabled now; keep the keyboard in the chat
      });
      group.appendChild(element);
    });
    return group;
  };

  Widget.prototype.receive = function (data) {
    if (!data || typeof data !== "object") return;
    var text = typeof data.text === "string" ? data.text : "";
    var buttons = (data.quick_replies || data.buttons || []).filter(function (button) {
      return button && button.title !== undefined && button.payload !== undefined;
    }).map(function (button) {
      return { title: String(button.title), payload: String(button.payload) };
    });
    if (!text && !buttons.length) return;  // images and custom payloads are not shown
    this.setStatus("");
    this.add({ from: "bot", text: text, buttons: buttons });
  };

  Widget.prototype.connect = function () {
    var self = this;
    var socket = window.io(this.serverUrl, { path: this.config.socketPath || "/socket.io" });
    this.socket = socket;
    this.setStatus("Connecting\u2026");
    var failures = 0;
    socket.on("connect", function () {
      failures = 0;
      self.confirmed = false;
      socket.emit("session_request", { session_id: self.sessionId });
    });
    socket.on("session_confirm", function (data) {
      var id = typeof data === "string" ? data : data && data.session_id;
      var isNew = !self.sessionId || self.sessionId !== id;
      var replaced = Boolean(self.sessionId) && self.sessionId !== id;
      if (replaced) self.forget();  // the stored conversation is not this browser's any more
      self.sessionId = id;
      self.confirmed = true;
      self.setStatus(replaced ? "A new conversation has started." : "");
      self.save();
      if (isNew && !self.history.length && self.config.greeting) {
        self.queue.unshift(String(self.config.greeting));  // sent without showing it as the user's
      }
      self.flush();
    });
    socket.on("bot_uttered", function (data) { self.receive(data); });
    socket.on("disconnect", function (reason) {
      self.confirmed = false;
      self.setStatus("Reconnecting\u2026");
      if (reason === "io server disconnect") socket.connect();  // the client does not retry these
    });
    socket.on("connect_error", function () {
      failures += 1;
      // A server that is down and one that refuses this page's origin look the same from here.
      self.setStatus(failures < UNREACHABLE_AFTER ? "Reconnecting\u2026" :
        "The coach can't be reached from this page. It may be down, or it may not accept this " +
        "site (its CORS_ORIGINS setting). Still trying\u2026");
    });
  };

  function start() {
    if (document.getElementById("coach-widget")) return;  // the snippet was pasted twice
    var config = window.coachWidgetConfig || {};
    if (window.io) {
      window.coachWidget = new Widget(config);
      return;
    }
    var base = SCRIPT && SCRIPT.src ? SCRIPT.src : window.location.href;
    var loader = document.createElement("script");
    loader.src = config.socketIoUrl || new URL("vendor/socket.io.min.js", base).href;
    loader.onload = function () { window.coachWidget = new Widget(config); };
    loader.onerror = function () {
      if (window.console) window.console.error("coach widget: could not load " + loader.src);
    };
    document.head.appendChild(loader);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
}());
