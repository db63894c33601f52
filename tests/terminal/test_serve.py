"""`rnn-tui serve`: only the URL it prints, with its secret token, reaches the app.

The page and its websocket answer with the token and refuse without it or with a wrong
one; a page from another site (Origin), a request naming another host (Host, DNS
rebinding) and sessions past --max-sessions are refused; the page fetches nothing from
outside the machine. Only the loopback address is contacted: every server here listens
on 127.0.0.1, and other addresses appear only as header values."""

from __future__ import annotations

import asyncio
import http.client
import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from rnn_tui.ui import serve as served
from rnn_tui.ui.serve_guard import (
    MAX_SESSIONS,
    exposure_warning,
    host_allowed,
    ipv4_addresses,
    origin_allowed,
    split_host,
    token_matches,
)
from rnn_tui.ui.serve_guard import served as served_at

pytest.importorskip("textual_serve")
aiohttp = pytest.importorskip("aiohttp")

INTENT = Path(__file__).parents[1] / "app" / "data" / "snap-intent.toml"
URL = re.compile(r"http://127\.0\.0\.1:(\d+)/\?token=([A-Za-z0-9_-]+)")
EVIL = "http://evil.example"
CJK = re.compile("[\u4e00-\u9fff]")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Serve:
    """`rnn-tui serve INTENT --port P ...` in its own process group, output collected."""

    def __init__(self, *options: str) -> None:
        self.port = free_port()
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "rnn_tui", "serve", str(INTENT), "--port", str(self.port),
             *options],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
        self.output = ""
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()
        deadline = time.monotonic() + 30
        while (found := URL.search(self.output)) is None:
            if self.proc.poll() is not None or time.monotonic() > deadline:
                self.stop()
                pytest.fail(f"serve printed no URL: {self.output[-2000:]}")
            time.sleep(0.1)
        assert int(found.group(1)) == self.port
        self.token = found.group(2)

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in iter(self.proc.stdout.readline, b""):
            self.output += line.decode("utf-8", "replace")

    def get(self, path: str, **headers: str) -> tuple[int, str, http.client.HTTPResponse]:
        """GET on 127.0.0.1 with these headers (Host too, when given)."""
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        try:
            connection.request("GET", path, headers=headers)
            response = connection.getresponse()
            return response.status, response.read().decode("utf-8", "replace"), response
        finally:
            connection.close()

    def ws(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    @property
    def origin(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
        try:
            self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()


@pytest.fixture
def server():
    running = Serve()
    yield running
    running.stop()


@pytest.fixture
def one_session():
    running = Serve("--max-sessions", "1")
    yield running
    running.stop()


async def handshake(url: str, **headers: str) -> int:
    """The status of a websocket handshake (101 when accepted), the socket closed again."""
    async with aiohttp.ClientSession() as session:
        try:
            async with session.ws_connect(url, headers=headers) as ws:
                await ws.close()
                return 101
        except aiohttp.WSServerHandshakeError as e:
            return e.status


async def first_frames(ws, until: str = "Intent", seconds: float = 40) -> str:
    """What the app sends until `until` shows up (or time runs out)."""
    seen = ""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and until not in seen:
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


# -- the page ----------------------------------------------------------------------------


def test_the_printed_url_opens_the_page_which_needs_nothing_from_outside(server):
    status, page, response = server.get(f"/?token={server.token}")
    assert status == 200
    assert "textual.js" in page and "googleapis" not in page and "https://" not in page
    assert f'data-session-websocket-url="ws://127.0.0.1:{server.port}/ws/{server.token}"' in page
    cookie = response.headers["Set-Cookie"]
    assert f"rnn-tui-token-{server.port}={server.token}" in cookie
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie
    assert response.headers["Referrer-Policy"] == "no-referrer"  # the URL holds the token
    assert response.headers["X-Frame-Options"] == "DENY"
    assert "127.0.0.1" in server.output and "0.0.0.0" not in server.output
    # its assets come with the cookie the page set (or the token)
    cookie_header = f"rnn-tui-token-{server.port}={server.token}"
    assert server.get("/static/js/textual.js", Cookie=cookie_header)[0] == 200
    assert server.get(f"/static/js/textual.js?token={server.token}")[0] == 200


def test_the_page_and_its_assets_refuse_a_missing_or_wrong_token(server):
    wrong = server.token[:-1] + ("A" if server.token[-1] != "A" else "B")
    for path in ("/", "/?token=", f"/?token={wrong}", "/?token=%00%ff", "/?tok=" + server.token,
                 "/static/js/textual.js", f"/static/js/textual.js?token={wrong}",
                 "/download/x", "/nothing-here"):  # fmt: skip
        status, body, _response = server.get(path)
        assert status == 403, path
        assert server.token not in body and "refused" in body
    assert server.get("/", Cookie=f"rnn-tui-token-{server.port}={wrong}")[0] == 403
    # a wrong token given outright is not rescued by a right cookie
    right_cookie = f"rnn-tui-token-{server.port}={server.token}"
    assert server.get(f"/?token={wrong}", Cookie=right_cookie)[0] == 403


def test_a_host_that_is_not_this_server_is_refused(server):
    """DNS rebinding: evil.example resolving to 127.0.0.1 still sends Host: evil.example."""
    token = f"/?token={server.token}"
    assert server.get(token, Host=f"evil.example:{server.port}")[0] == 421
    assert server.get(token, Host="evil.example")[0] == 421
    assert server.get(token, Host=f"127.0.0.1:{server.port + 1}")[0] == 421
    assert server.get(token, Host=f"0.0.0.0:{server.port}")[0] == 421
    assert server.get(token, Host=f"127.0.0.1:{server.port}@evil.example")[0] == 421
    status, page, _response = server.get(token, Host=f"localhost:{server.port}")
    assert status == 200  # the page is built for the name the browser used
    assert f'"ws://localhost:{server.port}/ws/{server.token}"' in page


def test_a_page_from_another_site_is_refused(server):
    token = f"/?token={server.token}"
    assert server.get(token, Origin=EVIL)[0] == 403
    assert server.get(token, Origin="null")[0] == 403
    assert server.get(token, Origin=f"http://127.0.0.1:{server.port + 1}")[0] == 403
    assert server.get(token, Origin=server.origin)[0] == 200


# -- the websocket -------------------------------------------------------------------------


def test_the_websocket_refuses_a_missing_or_wrong_token_and_a_foreign_origin(server):
    wrong = server.token[::-1]

    async def attempts() -> dict[str, int]:
        return {
            "no token": await handshake(server.ws("/ws?width=80&height=24")),
            "wrong path token": await handshake(server.ws(f"/ws/{wrong}?width=80")),
            "wrong query token": await handshake(server.ws(f"/ws?token={wrong}")),
            "empty token": await handshake(server.ws("/ws/?width=80")),
            "wrong cookie": await handshake(
                server.ws("/ws"), Cookie=f"rnn-tui-token-{server.port}={wrong}"
            ),
            "foreign origin": await handshake(server.ws(f"/ws/{server.token}"), Origin=EVIL),
            "null origin": await handshake(server.ws(f"/ws/{server.token}"), Origin="null"),
            "foreign host": await handshake(
                server.ws(f"/ws/{server.token}"), Host=f"evil.example:{server.port}"
            ),
        }

    refused = asyncio.run(asyncio.wait_for(attempts(), 60))
    assert refused == {
        "no token": 403, "wrong path token": 403, "wrong query token": 403,
        "empty token": 403, "wrong cookie": 403, "foreign origin": 403, "null origin": 403,
        "foreign host": 421,
    }  # fmt: skip


def test_the_websocket_with_the_token_runs_the_app(server):
    """As the page does it: the token in the websocket's path, the page's own Origin."""

    async def talk() -> str:
        async with aiohttp.ClientSession() as session:
            url = server.ws(f"/ws/{server.token}?width=100&height=30")
            async with session.ws_connect(url, headers={"Origin": server.origin}) as ws:
                await ws.send_str(json.dumps(["ping", "x"]))
                return await first_frames(ws)

    seen = asyncio.run(asyncio.wait_for(talk(), 60))
    assert "pong" in seen
    assert "Intent" in seen  # the app's title, drawn through the websocket
    assert not CJK.search(seen)  # in English, as the command was


def test_serve_lang_zh_serves_the_app_in_chinese():
    """`rnn-tui serve --lang zh` (the global option after the subcommand): the browser's
    app speaks Chinese."""
    server = Serve("--lang", "zh")
    try:

        async def talk() -> str:
            async with aiohttp.ClientSession() as session:
                url = server.ws(f"/ws/{server.token}?width=100&height=30")
                async with session.ws_connect(url, headers={"Origin": server.origin}) as ws:
                    seen = ""
                    deadline = time.monotonic() + 40
                    while not CJK.search(seen) and time.monotonic() < deadline:
                        seen += await first_frames(ws, until="\x00", seconds=2)
                    return seen

        seen = asyncio.run(asyncio.wait_for(talk(), 60))
    finally:
        server.stop()
    assert CJK.search(seen), seen[-500:]


def test_malformed_messages_are_ignored_and_sizes_bounded(server):
    """Nested 100k deep, not a list, wrong types, a 10¹²-column resize: the session goes on."""

    async def talk() -> str:
        async with aiohttp.ClientSession() as session:
            url = server.ws(f"/ws/{server.token}?width=99999999999&height=-5")
            async with session.ws_connect(url, headers={"Origin": server.origin}) as ws:
                for junk in ("[" * 100_000, "{}", "[]", "not json", '["stdin", 5]',
                             '["resize", {"width": 1e12, "height": "x"}]', '["resize", [1]]',
                             json.dumps(["resize", {"width": 10**12, "height": 10**12}])):  # fmt: skip
                    await ws.send_str(junk)
                await ws.send_bytes(b"\xff\x00")
                await ws.send_str(json.dumps(["ping", "still here"]))
                return await first_frames(ws, until="still here", seconds=30)

    assert '"still here"' in asyncio.run(asyncio.wait_for(talk(), 60))
    assert server.proc.poll() is None and "Traceback" not in server.output


def test_the_cookie_set_by_the_page_opens_the_websocket(server):
    async def talk() -> tuple[int, int]:
        jar = aiohttp.CookieJar(unsafe=True)  # keep cookies of an IP address, as browsers do
        async with aiohttp.ClientSession(cookie_jar=jar) as session:
            async with session.get(server.ws(f"/?token={server.token}")) as page:
                status = page.status
            async with session.ws_connect(server.ws("/ws?width=90&height=25")) as ws:
                await ws.send_str(json.dumps(["ping", "cookie"]))
                seen = await first_frames(ws, until="pong", seconds=20)
                return status, seen.count('"cookie"')

    assert asyncio.run(asyncio.wait_for(talk(), 40)) == (200, 1)


def test_sessions_past_the_cap_are_refused_until_one_closes(one_session):
    server = one_session
    url = server.ws(f"/ws/{server.token}?width=80&height=24")
    origin = {"Origin": server.origin}

    async def run() -> tuple[int, int, str, int]:
        async with aiohttp.ClientSession() as session:
            async with session.ws_connect(url, headers=origin) as first:
                await first.send_str(json.dumps(["ping", "1"]))
                assert "pong" in await first_frames(first, until="pong", seconds=20)
                try:
                    async with session.ws_connect(url, headers=origin):
                        second = 101
                except aiohttp.WSServerHandshakeError as e:
                    second = e.status
                async with session.get(url, headers=origin) as response:  # what it says
                    status, text = response.status, await response.text()
            # the first one closed: the place is free again (once its app has stopped)
            deadline = time.monotonic() + 30
            third = 0
            while third != 101 and time.monotonic() < deadline:
                third = await handshake(url, **origin)
                await asyncio.sleep(0.3)
        return second, status, text, third

    second, status, text, third = asyncio.run(asyncio.wait_for(run(), 90))
    assert second == 503 and status == 503
    assert "all 1 sessions of this server are in use" in text and "--max-sessions" in text
    assert "refused a session from 127.0.0.1: all 1 in use" in server.output  # and on its side
    assert third == 101


def test_the_default_cap_is_32_and_the_option_bounds_it():
    assert MAX_SESSIONS == 32
    from click.testing import CliRunner

    from rnn_tui.cli import cli

    for bad in ("0", "-1", "many"):
        result = CliRunner().invoke(cli, ["serve", str(INTENT), "--max-sessions", bad])
        assert result.exit_code == 2 and "--max-sessions" in result.output, bad


# -- the addresses, the warning, the checks (no network) ------------------------------------


def test_a_class_on_one_network_gets_urls_that_reach_this_machine():
    """--host 0.0.0.0 prints one URL per interface address (never 0.0.0.0) and 127.0.0.1,
    and accepts those addresses as Host."""
    port = 8123
    where = served_at("0.0.0.0", port)
    outside = [a for a in ipv4_addresses() if not a.startswith("127.")]
    assert where.urls[-1] == f"http://127.0.0.1:{port}"
    assert [f"http://{a}:{port}" for a in outside] == list(where.urls[:-1])
    assert not any("0.0.0.0" in url for url in where.urls)
    assert where.with_token("T")[-1] == f"http://127.0.0.1:{port}/?token=T"
    for address in [*outside, "127.0.0.1", "localhost"]:
        assert host_allowed(f"{address}:{port}", where)
    assert not host_allowed(f"0.0.0.0:{port}", where)
    assert not host_allowed(f"evil.example:{port}", where)
    assert not host_allowed(f"127.0.0.1:{port + 1}", where)


async def test_the_page_served_to_another_machine_points_back_at_the_address_it_used():
    """The page loaded as http://ADDRESS:PORT/ connects its websocket to ADDRESS:PORT (the
    server listens on 127.0.0.1 here; ADDRESS is only a Host header)."""
    port = free_port()
    outside = next((a for a in ipv4_addresses() if not a.startswith("127.")), "192.0.2.7")
    where = served_at("0.0.0.0", port)
    where = type(where)(port, where.names | {outside}, where.urls)
    import tempfile

    from aiohttp import web

    with tempfile.TemporaryDirectory() as folder:
        guarded = served.GuardedServer(
            "true", host="127.0.0.1", port=port, token="secret-token", max_sessions=2,
            templates=served.offline_templates(Path(folder)), where=where,
        )  # fmt: skip
        runner = web.AppRunner(guarded.make_app(), access_log=None)
        await runner.setup()
        await web.TCPSite(runner, "127.0.0.1", port).start()
        try:
            async with aiohttp.ClientSession() as session:
                url = f"http://127.0.0.1:{port}/?token=secret-token"
                async with session.get(url, headers={"Host": f"{outside}:{port}"}) as response:
                    page = await response.text()
                    assert response.status == 200
                async with session.get(url, headers={"Host": f"0.0.0.0:{port}"}) as response:
                    assert response.status == 421
        finally:
            await runner.cleanup()
    assert f'data-session-websocket-url="ws://{outside}:{port}/ws/secret-token"' in page
    assert 'href="/static/css/xterm.css"' in page  # assets from wherever the page came from


def test_a_non_loopback_host_is_warned_about():
    for host in ("0.0.0.0", "::", "", "192.168.1.20", "10.0.0.5", "2001:db8::1"):
        warning = exposure_warning(host)
        assert warning is not None and f"--host {host} " in warning and "token" in warning
    for host in ("127.0.0.1", "127.0.0.2", "::1", "[::1]", "localhost", "LOCALHOST"):
        assert exposure_warning(host) is None
    hostile = exposure_warning("\x1b]2;pwned\x07\u202e")  # not looked up: not a host name
    assert hostile is not None and "--host ␛]2;pwned" in hostile
    assert not any(c in hostile for c in "\x1b\x07\u202e")


def test_the_warning_is_printed_on_stderr_before_serving(monkeypatch, capsys):
    """`serve` says it on stderr, then serves (the server itself is stubbed here: no
    address other than loopback is ever bound in the tests)."""

    async def no_run(self) -> None:
        print("RUN", flush=True)

    monkeypatch.setattr(served.GuardedServer, "run", no_run)
    served.serve(str(INTENT), host="0.0.0.0", port=free_port())
    out, err = capsys.readouterr()
    assert "warning: --host 0.0.0.0 is not a loopback address" in err and out == "RUN\n"
    served.serve(str(INTENT), host="127.0.0.1", port=free_port())
    out, err = capsys.readouterr()
    assert err == "" and out == "RUN\n"


def test_host_and_origin_checks():
    where = served_at("127.0.0.1", 8000)
    assert where.names == {"127.0.0.1", "localhost"}
    assert where.urls == ("http://127.0.0.1:8000",)
    assert split_host("LocalHost:8000") == ("localhost", 8000)
    assert split_host("[::1]:8000") == ("[::1]", 8000)
    assert split_host("127.0.0.1") == ("127.0.0.1", 80)
    for bad in ("", "127.0.0.1:", "127.0.0.1:80x", "127.0.0.1:99999", "[::1", "a:1:2", "h:٣"):
        assert split_host(bad) is None, bad
    assert not host_allowed(None, where) and not host_allowed("127.0.0.1", where)
    v6 = served_at("::1", 8000)
    assert host_allowed("[::1]:8000", v6) and v6.urls == ("http://[::1]:8000",)
    assert origin_allowed(None, "127.0.0.1:8000")  # not from a web page
    assert origin_allowed("http://127.0.0.1:8000", "127.0.0.1:8000")
    assert origin_allowed("http://[::1]:8000", "[::1]:8000")
    for origin in (EVIL, "null", "", "https://127.0.0.1:8000", "http://127.0.0.1:8001",
                   "http://127.0.0.1", "http://localhost:8000", "http://127.0.0.1:8000/x",
                   "http://127.0.0.1:99999"):  # fmt: skip
        assert not origin_allowed(origin, "127.0.0.1:8000"), origin
    assert token_matches("abc", "abc") and not token_matches("abd", "abc")
    assert not token_matches(None, "abc") and not token_matches("ab\udcff", "abc")
    assert not token_matches("абв", "abc")  # any text may be given, never an exception


# -- the command ---------------------------------------------------------------------------


def test_the_served_app_speaks_the_language_of_the_command():
    """`rnn-tui --lang zh serve` runs the app in zh for each browser: the app in the
    browser is in the language asked for, not the server's locale."""
    from rnn_tui.i18n import set_language

    try:
        set_language("zh")
        command = served.app_command(str(INTENT))
    finally:
        set_language("en")
    assert command.endswith(f" -m rnn_tui.ui.serve_app zh {INTENT}")
    assert served.app_command(None).endswith(" -m rnn_tui.ui.serve_app en")


def test_the_session_entry_refuses_to_run_outside_serve():
    """`python -m rnn_tui.ui.serve_app` is for textual-serve's pipes, not a terminal."""
    env = {k: v for k, v in os.environ.items() if k != "TEXTUAL_DRIVER"}
    result = subprocess.run(
        [sys.executable, "-m", "rnn_tui.ui.serve_app", "en", str(INTENT)],
        capture_output=True, text=True, timeout=60, env=env, stdin=subprocess.DEVNULL,
    )  # fmt: skip
    assert result.returncode == 2 and "use rnn-tui serve" in result.stderr
    assert result.stdout == ""


def test_a_port_in_use_is_one_line_and_exit_2():
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run(
            [sys.executable, "-m", "rnn_tui", "serve", str(INTENT), "--port", str(port)],
            capture_output=True, text=True, timeout=60,
        )  # fmt: skip
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert f"cannot serve on 127.0.0.1 port {port}" in result.stderr
