"""`rnn-tui serve`: the page and its websocket answer on localhost, and the page
fetches nothing from outside the machine. Only the loopback address is contacted."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

pytest.importorskip("textual_serve")
aiohttp = pytest.importorskip("aiohttp")

INTENT = Path(__file__).parents[1] / "app" / "data" / "snap-intent.toml"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def server():
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "rnn_tui", "serve", str(INTENT), "--port", str(port)],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            with urllib.request.urlopen(url + "/", timeout=2) as response:
                page = response.read().decode("utf-8")
            break
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                pytest.fail(f"serve did not answer: {proc.stdout.read().decode()[-2000:]}")
            time.sleep(0.2)
    yield port, page
    os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()


def test_the_page_answers_and_needs_nothing_from_outside(server):
    port, page = server
    assert "textual.js" in page and "/ws" in page
    assert "googleapis" not in page and "https://" not in page
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/static/js/textual.js") as js:
        assert js.status == 200


def test_the_websocket_runs_the_app(server):
    port, _page = server

    async def talk() -> str:
        seen = ""
        async with aiohttp.ClientSession() as session:
            url = f"http://127.0.0.1:{port}/ws?width=100&height=30"
            async with session.ws_connect(url) as ws:
                await ws.send_str(json.dumps(["ping", "x"]))
                deadline = time.monotonic() + 40
                while time.monotonic() < deadline and "Intent" not in seen:
                    try:
                        message = await ws.receive(timeout=5)
                    except TimeoutError:
                        continue
                    if message.type == aiohttp.WSMsgType.TEXT:
                        seen += message.data
                    elif message.type == aiohttp.WSMsgType.BINARY:
                        seen += message.data.decode("utf-8", "replace")
                    else:
                        break
        return seen

    seen = asyncio.run(talk())
    assert "pong" in seen
    assert "Intent" in seen  # the app's title, drawn through the websocket


def test_the_served_app_speaks_the_language_of_the_command(monkeypatch):
    """`rnn-tui --lang zh serve` runs `rnn-tui --lang zh open ...` for each browser: the
    app in the browser is in the language asked for, not the server's locale."""
    import textual_serve.server

    from rnn_tui.i18n import set_language
    from rnn_tui.ui import serve as served

    seen = {}

    class Fake:
        def __init__(self, command, **kwargs):
            seen["command"] = command

        def serve(self):
            pass

    monkeypatch.setattr(textual_serve.server, "Server", Fake)
    try:
        set_language("zh")
        served.serve(str(INTENT), host="127.0.0.1", port=free_port())
    finally:
        set_language("en")
    assert " --lang zh open " in seen["command"] and str(INTENT) in seen["command"]
