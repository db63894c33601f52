"""`rnn-tui serve`: the app in a browser through textual-serve.

Each browser session runs the app (`serve_app`, in the server's language) as the user
who started `serve`, so only someone with the URL it prints may use it (see `serve_guard`): every
request needs the secret token, Host must be an address served, a web page from
anywhere else is refused by its Origin, and sessions are capped.

textual-serve's page asks Google for a web font; ours is its page without that link,
so nothing outside the machine is fetched (its own scripts and fonts are served
locally). Its page, static files, downloads and app processes (AppService) are reused;
the routes, checks and the websocket loop are ours."""

from __future__ import annotations

import asyncio
import contextlib
import json
import re
import shlex
import signal
import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..i18n import _
from ..text import visible
from .serve_guard import (
    MAX_SESSIONS,
    Served,
    exposure_warning,
    host_allowed,
    new_token,
    origin_allowed,
    served,
    split_host,
    token_matches,
)

if TYPE_CHECKING:
    from aiohttp import web

EXTERNAL = re.compile(r"\s*<link[^>]*https?://[^>]*>", re.S)
"""A <link> to anything outside the machine."""

COLUMNS = (10, 1000)
ROWS = (4, 400)
"""The terminal sizes a browser may ask for (bounds, so no one asks for a 10⁹-cell screen)."""

MESSAGE_BYTES = 1 << 20
"""The largest websocket message read from a browser."""

HEADERS = {
    "Referrer-Policy": "no-referrer",  # the page URL holds the token
    "X-Frame-Options": "DENY",
    "Content-Security-Policy": "frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "Cache-Control": "no-store",
}


def offline_templates(directory: Path) -> Path:
    """textual-serve's page template, without links to outside the machine, in `directory`."""
    import textual_serve

    source = Path(textual_serve.__file__).parent / "templates" / "app_index.html"
    text = EXTERNAL.sub("", source.read_text(encoding="utf-8"))
    (directory / "app_index.html").write_text(text, encoding="utf-8")
    return directory


def app_command(scenario: str | None) -> str:
    """The shell command each browser session runs: the app (`serve_app`), in the
    server's language."""
    from ..i18n import current_language

    command = [sys.executable, "-m", "rnn_tui.ui.serve_app", current_language()]
    command += [scenario] if scenario else []
    return shlex.join(command)


def _bounded(value: Any, bounds: tuple[int, int], default: int) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError, OverflowError):
        return default
    return max(bounds[0], min(bounds[1], number))


class GuardedServer:
    """textual-serve's server behind the token, Host, Origin and session checks."""

    def __init__(
        self,
        command: str,
        *,
        host: str,
        port: int,
        token: str,
        max_sessions: int,
        templates: Path,
        where: Served | None = None,
    ) -> None:
        from textual_serve.download_manager import DownloadManager
        from textual_serve.server import Server

        self.command = command
        self.host, self.port = host, port
        self.token = token
        self.max_sessions = max_sessions
        self.where = where or served(host, port)
        self.cookie = f"rnn-tui-token-{port}"  # cookies are per host, not per port
        self.sessions = 0
        self.sockets: set[web.WebSocketResponse] = set()
        # textual-serve's own server, for its download handler and static folder only
        self.inner = Server(
            command, host=host, port=port, title="rnn-tui", templates_path=templates
        )
        self.inner.download_manager = self.download_manager = DownloadManager()

    # -- the checks ------------------------------------------------------------------

    def refusal(self, request: web.Request) -> tuple[int, str] | None:
        """Why `request` is refused (HTTP status, message), or None when it may go on."""
        host = request.headers.get("Host")
        if not host_allowed(host, self.where):
            return 421, _("refused: this server does not answer for the host in the request")
        if not origin_allowed(request.headers.get("Origin"), host):
            return 403, _("refused: a page from another site may not use this server")
        explicit = request.match_info.get("token", request.query.get("token"))
        given = explicit if explicit is not None else request.cookies.get(self.cookie)
        if not token_matches(given, self.token):
            return 403, _("refused: open the URL with its token, as printed by rnn-tui serve")
        return None

    def middleware(self) -> Any:
        from aiohttp import web

        @web.middleware
        async def guard(request: web.Request, handler: Any) -> web.StreamResponse:
            refused = self.refusal(request)
            if refused is not None:
                return web.Response(status=refused[0], text=refused[1] + "\n")
            return await handler(request)

        return guard

    # -- the routes ------------------------------------------------------------------

    async def index(self, request: web.Request) -> web.StreamResponse:
        """The page, with URLs at the address the browser used (checked in `refusal`),
        so a page loaded from another machine connects back to this one."""
        import aiohttp_jinja2

        name, port = split_host(request.headers["Host"]) or (self.host, self.port)
        host = name if port == 80 else f"{name}:{port}"
        context = {
            "font_size": _bounded(request.query.get("fontsize"), (6, 64), 16),
            "app_websocket_url": f"ws://{host}/ws/{self.token}",
            "config": {"static": {"url": "/static/"}},
            "application": {"name": "rnn-tui"},
            "ping_url": "",
        }
        response = aiohttp_jinja2.render_template("app_index.html", request, context)
        response.set_cookie(self.cookie, self.token, httponly=True, samesite="Strict", path="/")
        return response

    async def websocket(self, request: web.Request) -> web.StreamResponse:
        """One browser session: an app process driven over the websocket, while there is
        room for it (`max_sessions`)."""
        from aiohttp import web

        if self.sessions >= self.max_sessions:
            print(
                _("rnn-tui serve: refused a session from {remote}: all {limit} in use").format(
                    remote=request.remote, limit=self.max_sessions
                ),
                file=sys.stderr,
                flush=True,
            )
            return web.Response(
                status=503,
                text=_(
                    "refused: all {limit} sessions of this server are in use; close one, or "
                    "restart rnn-tui serve with a larger --max-sessions"
                ).format(limit=self.max_sessions)
                + "\n",
            )
        self.sessions += 1  # counted before any await: no two requests pass the check at once
        try:
            return await self.session(request)
        finally:
            self.sessions -= 1

    async def session(self, request: web.Request) -> web.StreamResponse:
        from aiohttp import web
        from textual_serve.app_service import AppService

        websocket = web.WebSocketResponse(heartbeat=15, max_msg_size=MESSAGE_BYTES)
        width = _bounded(request.query.get("width"), COLUMNS, 80)
        height = _bounded(request.query.get("height"), ROWS, 24)
        service: AppService | None = None
        try:
            await websocket.prepare(request)
            self.sockets.add(websocket)

            async def close() -> None:
                await websocket.close()

            service = AppService(
                self.command,
                write_bytes=websocket.send_bytes,
                write_str=websocket.send_str,
                close=close,
                download_manager=self.download_manager,
            )
            await service.start(width, height)
            await self.relay(websocket, service)
        except asyncio.CancelledError:
            await websocket.close()
        except Exception as error:  # one line on the server's side, not a traceback
            message = _("rnn-tui serve: a session ended on an error: {error}")
            print(message.format(error=visible(repr(error))), file=sys.stderr, flush=True)
        finally:
            self.sockets.discard(websocket)
            if service is not None:
                await service.stop()
                await self.reap(service)
        return websocket

    @staticmethod
    async def reap(service: Any) -> None:
        """Wait for a session's app process to end (killed after 5 s), so the place it took
        is free only once it is gone and no process outlives the server."""
        process = getattr(service, "_process", None)  # textual-serve does not wait for it
        if process is None:
            return
        try:
            await asyncio.wait_for(process.wait(), 5)
        except TimeoutError:
            with contextlib.suppress(ProcessLookupError):
                process.kill()
            await process.wait()

    async def relay(self, websocket: web.WebSocketResponse, service: Any) -> None:
        """The browser's messages to the app; anything malformed is ignored."""
        from aiohttp import WSMsgType

        async for message in websocket:
            if message.type != WSMsgType.TEXT:
                continue
            try:
                envelope = json.loads(message.data)
            except (ValueError, RecursionError):
                continue
            if not isinstance(envelope, list) or not envelope:
                continue
            kind, data = envelope[0], envelope[1] if len(envelope) > 1 else None
            if kind == "stdin" and isinstance(data, str):
                await service.send_bytes(data.encode("utf-8", "replace"))
            elif kind == "resize" and isinstance(data, dict):
                await service.set_terminal_size(
                    _bounded(data.get("width"), COLUMNS, 80), _bounded(data.get("height"), ROWS, 24)
                )
            elif kind == "ping":
                await websocket.send_json(["pong", data])
            elif kind == "blur":
                await service.blur()
            elif kind == "focus":
                await service.focus()

    def make_app(self) -> web.Application:
        import aiohttp_jinja2
        import jinja2
        from aiohttp import web

        app = web.Application(middlewares=[self.middleware()])
        aiohttp_jinja2.setup(app, loader=jinja2.FileSystemLoader(self.inner.templates_path))
        app.add_routes(
            [
                web.get("/", self.index),
                web.get("/ws", self.websocket),
                web.get("/ws/{token}", self.websocket),
                web.get("/download/{key}", self.inner.handle_download),
                web.static("/static", self.inner.statics_path),
            ]
        )

        async def headers(request: web.Request, response: web.StreamResponse) -> None:
            response.headers.update(HEADERS)

        async def close_sessions(app: web.Application) -> None:
            for websocket in list(self.sockets):
                await websocket.close(code=1001, message=b"server stopped")

        app.on_response_prepare.append(headers)
        app.on_shutdown.append(close_sessions)
        return app

    # -- running -----------------------------------------------------------------------

    def announce(self) -> None:
        print(
            _(
                "rnn-tui serve: open one of these URLs in a browser (the token in it is the "
                "password: share it only with your class):"
            )
        )
        for url in self.where.with_token(self.token):
            print(f"  {url}")
        print(
            _("At most {limit} sessions at once. Press Ctrl+C to stop.").format(
                limit=self.max_sessions
            ),
            flush=True,
        )

    async def run(self) -> None:
        """Listen until SIGINT or SIGTERM; OSError when the address cannot be bound."""
        from aiohttp import web

        runner = web.AppRunner(
            self.make_app(), handle_signals=False, access_log=None, shutdown_timeout=5
        )
        await runner.setup()
        try:
            await web.TCPSite(runner, self.host or None, self.port).start()
            self.announce()
            stop = asyncio.Event()
            loop = asyncio.get_running_loop()
            for signum in (signal.SIGINT, signal.SIGTERM):
                try:
                    loop.add_signal_handler(signum, stop.set)
                except (NotImplementedError, RuntimeError):  # not on this platform
                    pass
            await stop.wait()
        finally:
            await runner.cleanup()


def serve(scenario: str | None, *, host: str, port: int, max_sessions: int = MAX_SESSIONS) -> None:
    """Serve the app on host:port until interrupted (OSError if it cannot listen there)."""
    warning = exposure_warning(host)
    if warning:
        print(warning, file=sys.stderr, flush=True)
    with tempfile.TemporaryDirectory(prefix="rnn-tui-serve-") as folder:
        server = GuardedServer(
            app_command(scenario),
            host=host,
            port=port,
            token=new_token(),
            max_sessions=max_sessions,
            templates=offline_templates(Path(folder)),
        )
        try:
            asyncio.run(server.run())
        except KeyboardInterrupt:  # where signal handlers are not available
            pass
