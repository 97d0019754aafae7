"""A headless Chromium driven over the DevTools protocol on a pipe (``--remote-debugging-pipe``): no extra package,
no network port. Enough to open a page, evaluate JavaScript in it, click, resize, and collect console errors.

Chromium reads commands on its file descriptor 3 and writes replies and events on 4, each a JSON message ended by
a NUL byte; with ``flatten`` sessions every message to or from a page carries its ``sessionId``.
"""

from __future__ import annotations

import json
import os
import select
import subprocess
import time
from pathlib import Path
from types import TracebackType
from typing import Any

FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
    "--remote-debugging-pipe",
)


class Browser:
    """One Chromium process; ``open`` a page, then ``evaluate`` in it. Use as a context manager."""

    def __init__(self, chromium: str, profile: Path, timeout: float = 60.0) -> None:
        commands_in, self._commands = os.pipe()
        self._events, events_out = os.pipe()

        def on_fds_3_and_4() -> None:  # runs in the child between fork and exec
            high_in, high_out = os.dup2(commands_in, 100), os.dup2(events_out, 101)
            os.dup2(high_in, 3)
            os.dup2(high_out, 4)

        self._process = subprocess.Popen(
            [chromium, *FLAGS, f"--user-data-dir={profile}", "about:blank"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            close_fds=False,
            preexec_fn=on_fds_3_and_4,
        )
        os.close(commands_in)
        os.close(events_out)
        self._buffer = b""
        self._next = 0
        self._timeout = timeout
        self.session = ""
        self.console_errors: list[str] = []
        self.console: list[str] = []
        self.loads = 0

    def __enter__(self) -> Browser:
        return self

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None, tb: TracebackType | None) -> None:
        self._process.kill()
        self._process.wait(10)
        os.close(self._commands)
        os.close(self._events)

    def _event(self, message: dict[str, Any]) -> None:
        method, params = message.get("method"), message.get("params", {})
        if method == "Runtime.consoleAPICalled":
            text = " ".join(str(arg.get("value", arg.get("description", ""))) for arg in params.get("args", []))
            self.console.append(text)
            if params.get("type") in ("error", "assert"):
                self.console_errors.append(text)
        elif method == "Runtime.exceptionThrown":
            self.console_errors.append(json.dumps(params.get("exceptionDetails", {}))[:500])
        elif method == "Log.entryAdded" and params.get("entry", {}).get("level") == "error":
            self.console_errors.append(str(params["entry"].get("text")))
        elif method == "Page.loadEventFired":
            self.loads += 1

    def _pump(self, until: float) -> None:
        ready, _, _ = select.select([self._events], [], [], max(0.0, min(0.5, until - time.monotonic())))
        if ready:
            chunk = os.read(self._events, 1 << 20)
            if not chunk:
                raise RuntimeError("Chromium closed its DevTools pipe")
            self._buffer += chunk

    def call(self, method: str, params: dict[str, Any] | None = None, *, page: bool = True) -> dict[str, Any]:
        """Send one command and wait for its reply; events that arrive meanwhile are recorded."""
        self._next += 1
        message: dict[str, Any] = {"id": self._next, "method": method, "params": params or {}}
        if page and self.session:
            message["sessionId"] = self.session
        os.write(self._commands, json.dumps(message).encode("utf-8") + b"\0")
        deadline = time.monotonic() + self._timeout
        while time.monotonic() < deadline:
            while b"\0" in self._buffer:
                raw, self._buffer = self._buffer.split(b"\0", 1)
                reply = json.loads(raw)
                if reply.get("id") == self._next:
                    if "error" in reply:
                        raise RuntimeError(f"{method}: {reply['error']}")
                    return dict(reply.get("result", {}))
                self._event(reply)
            self._pump(deadline)
        raise TimeoutError(f"{method}: no reply from Chromium in {self._timeout:g} s")

    def open(self, url: str, width: int = 1400, height: int = 1000) -> None:
        """A new page at ``url`` in a window of the given size, with console and page events on."""
        target = self.call("Target.createTarget", {"url": "about:blank"}, page=False)["targetId"]
        self.session = self.call("Target.attachToTarget", {"targetId": target, "flatten": True}, page=False)[
            "sessionId"
        ]
        for domain in ("Runtime", "Log", "Page"):
            self.call(f"{domain}.enable")
        self.resize(width, height)
        self.navigate(url)

    def resize(self, width: int, height: int = 1000) -> None:
        """Lay the page out as in a window ``width`` pixels wide."""
        metrics = {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False}
        self.call("Emulation.setDeviceMetricsOverride", metrics)

    def navigate(self, url: str) -> None:
        """Load ``url`` and wait for its load event."""
        loads = self.loads
        self.call("Page.navigate", {"url": url})
        self.wait_for(lambda: self.loads > loads, "the page's load event")

    def wait_for(self, done: Any, what: str) -> None:
        """Pump events until ``done()`` is true."""
        deadline = time.monotonic() + self._timeout
        while not done():
            if time.monotonic() > deadline:
                raise TimeoutError(f"waited {self._timeout:g} s for {what}")
            while b"\0" in self._buffer:
                raw, self._buffer = self._buffer.split(b"\0", 1)
                self._event(json.loads(raw))
            if not done():
                self._pump(deadline)

    def evaluate(self, expression: str) -> Any:
        """The value of a JavaScript expression in the page (JSON-serializable values only)."""
        result = self.call("Runtime.evaluate", {"expression": expression, "returnByValue": True})
        if "exceptionDetails" in result:
            raise RuntimeError(f"{expression!r} threw: {result['exceptionDetails']}")
        return result["result"].get("value")
