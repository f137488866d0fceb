"""A headless Streamlit client for the load benchmark (bench/load.py): one tablet speaking the
browser's websocket protocol, and starting a server on loopback with its CPU and memory.

What a browser does, as streamlit's frontend does it (read from streamlit 1.67's own source):
- each tap is one ``BackMsg.rerun_script`` carrying the URL's query string, the page's script
  hash and ``widget_states``: the value of every widget the patient has set that is still on
  screen (a checkbox ``bool_value``, a radio/selectbox ``string_value`` = the option as shown,
  a text input ``string_value``, a Components v2 element's state as one JSON object in
  ``json_value``), plus the tapped button as ``trigger_value`` (reset by the server after the
  run). A form's widgets travel only with its submit button.
- a widget is found by its element id, ``$$ID-<hash>-<user key>``, in the run's ForwardMsg
  deltas; the screen is every element of the last full run (``new_session`` starts one).
- ``page_info_changed`` sets the URL's query string (the resume token), sent back on each tap.
No message cache hashes are reported, so the server always sends whole messages.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState

ROOT = Path(__file__).resolve().parents[2]  # the project (bench/_load/ws.py)
WIDGETS = {
    "button", "checkbox", "radio", "selectbox", "text_input", "text_area", "button_group",
    "bidi_component",
}  # fmt: skip
EARLY = ForwardMsg.ScriptFinishedStatus.FINISHED_EARLY_FOR_RERUN
FRAGMENT = ForwardMsg.ScriptFinishedStatus.FINISHED_FRAGMENT_RUN_SUCCESSFULLY


def user_key(element_id: str) -> str | None:
    """The key the page gave a widget (as streamlit's ``user_key_from_element_id``)."""
    key = element_id.split("-", maxsplit=2)[-1]
    return None if key == "None" else key


@dataclass(eq=False)  # hashable by identity: a tap maps widgets to values
class Widget:
    kind: str  # the Element oneof: "checkbox", "radio", "bidi_component", ...
    proto: Any

    @property
    def id(self) -> str:
        return self.proto.id

    @property
    def key(self) -> str | None:
        return user_key(self.proto.id)

    @property
    def form_id(self) -> str:
        return getattr(self.proto, "form_id", "")


@dataclass
class Screen:
    """What one full script run drew."""

    widgets: list[Widget] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)  # markdown, headings and html bodies
    errors: list[str] = field(default_factory=list)  # st.error and exceptions

    def by_key(self, key: str) -> Widget | None:
        return next((w for w in self.widgets if w.key == key), None)

    def keys(self, prefix: str) -> list[str]:
        return [w.key for w in self.widgets if w.key and w.key.startswith(prefix)]

    def primary_submit(self) -> Widget | None:
        """The screen's Next: the last primary form-submit button, or the keyed ``nav:next``."""
        found = [
            w
            for w in self.widgets
            if w.kind == "button"
            and w.proto.type == "primary"
            and (w.proto.is_form_submitter or w.key == "nav:next")
        ]
        return found[-1] if found else None

    def add(self, kind: str, proto: Any) -> None:
        if kind in WIDGETS:
            self.widgets.append(Widget(kind, proto))
        elif kind == "alert" and proto.format == proto.ERROR:
            self.errors.append(proto.body)
        elif kind == "exception":
            self.errors.append(f"{proto.type}: {proto.message}")
        elif kind in ("markdown", "heading") or kind == "html":
            self.texts.append(proto.body)


def checkbox(value: bool) -> dict[str, Any]:
    return {"bool_value": value}


def string(value: str) -> dict[str, Any]:
    return {"string_value": value}


def component_state(state: dict[str, Any]) -> dict[str, Any]:
    """A Components v2 element's whole state, as the frontend sends it (one JSON object)."""
    return {"json_value": json.dumps(state)}


class Tablet:
    """One browser tab: a websocket session, its URL query, and the widget values it holds."""

    def __init__(self, port: int, timeout: float = 30.0) -> None:
        self.url = f"ws://127.0.0.1:{port}/_stcore/stream"
        self.timeout = timeout
        self.query = ""
        self.page_hash = ""
        self.values: dict[str, dict[str, Any]] = {}  # widget id -> WidgetState fields
        self.screen = Screen()
        self.ws: Any = None
        self.runs = 0  # full script runs this tablet caused (reruns included)

    async def __aenter__(self) -> Tablet:
        self.ws = await websockets.connect(
            self.url, subprotocols=["streamlit"], max_size=None, open_timeout=self.timeout
        )
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.ws.close()

    async def open(self, query: str = "") -> float:
        """The page loads (the browser's first rerun request, with the URL's query)."""
        self.query = query
        return await self.tap({})

    async def tap(
        self,
        values: dict[Widget, dict[str, Any]],
        trigger: Widget | None = None,
    ) -> float:
        """Set widget values (kept, as the browser keeps them) and/or press one button; wait
        for the script run to finish. Returns the seconds from sending to ``script_finished``."""
        for w, v in values.items():
            self.values[w.id] = v
        msg = BackMsg()
        rerun = msg.rerun_script
        rerun.query_string = self.query
        rerun.page_script_hash = self.page_hash
        for wid, v in self.values.items():
            rerun.widget_states.widgets.append(WidgetState(id=wid, **v))
        if trigger is not None:
            rerun.widget_states.widgets.append(WidgetState(id=trigger.id, trigger_value=True))
        t0 = time.perf_counter()
        await self.ws.send(msg.SerializeToString())
        screen = Screen()
        while True:
            fwd = ForwardMsg()
            fwd.ParseFromString(await _recv(self.ws, self.timeout))
            kind = fwd.WhichOneof("type")
            if kind == "new_session":
                screen = Screen()  # a (re)run starts: the screen is drawn anew
            elif kind == "delta" and fwd.delta.WhichOneof("type") == "new_element":
                el = fwd.delta.new_element
                name = el.WhichOneof("type")
                if name:
                    screen.add(name, getattr(el, name))
            elif kind == "page_info_changed":
                self.query = fwd.page_info_changed.query_string
            elif kind == "navigation" and fwd.navigation.page_script_hash:
                self.page_hash = fwd.navigation.page_script_hash
            elif kind == "script_finished":
                status = fwd.script_finished
                if status == FRAGMENT:
                    continue  # only a part of the screen; not this tap's run
                self.runs += 1
                if status == EARLY:
                    continue  # st.rerun(): the next run draws the screen
                break
        elapsed = time.perf_counter() - t0
        self.screen = screen
        on_screen = {w.id for w in screen.widgets}  # the browser forgets widgets that went away
        self.values = {k: v for k, v in self.values.items() if k in on_screen}
        return elapsed


async def _recv(ws: Any, timeout: float) -> bytes:
    import asyncio

    return await asyncio.wait_for(ws.recv(), timeout)


# --- the server --------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def server_flags(port: int, post_script_gc: bool = False) -> list[str]:
    """The same flags for the app and the bare page (postScriptGC off, as the app's config has
    it; bench/gc_load.py measures it on)."""
    return [
        "--server.headless", "true", "--server.port", str(port),
        "--server.address", "127.0.0.1", "--server.fileWatcherType", "none",
        "--runner.postScriptGC", "true" if post_script_gc else "false",
        "--browser.gatherUsageStats", "false",
    ]  # fmt: skip


def start(
    script: str, env: dict[str, str], cwd: Path = ROOT, *, post_script_gc: bool = False
) -> tuple[subprocess.Popen[bytes], int]:
    port = free_port()
    cmd = [sys.executable, "-m", "streamlit", "run", script, *server_flags(port, post_script_gc)]
    proc = subprocess.Popen(
        cmd, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    return proc, port


def wait_ready(proc: subprocess.Popen[bytes], port: int, seconds: float = 40.0) -> None:
    until = time.monotonic() + seconds
    while time.monotonic() < until:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=1):
                return
        except OSError:
            time.sleep(0.1)
    proc.kill()
    raise RuntimeError("server did not start")


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0
