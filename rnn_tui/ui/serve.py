"""`rnn-tui serve`: the app in a browser through textual-serve, on this machine only.

textual-serve's page asks Google for a web font; ours is its page without that link,
so nothing outside the machine is fetched (its own scripts and fonts are served
locally)."""

from __future__ import annotations

import re
import shlex
import sys
import tempfile
from pathlib import Path

EXTERNAL = re.compile(r"\s*<link[^>]*https?://[^>]*>", re.S)
"""A <link> to anything outside the machine."""


def offline_templates(directory: Path) -> Path:
    """textual-serve's page template, without links to outside the machine, in `directory`."""
    import textual_serve

    source = Path(textual_serve.__file__).parent / "templates" / "app_index.html"
    text = EXTERNAL.sub("", source.read_text(encoding="utf-8"))
    (directory / "app_index.html").write_text(text, encoding="utf-8")
    return directory


def serve(scenario: str | None, *, host: str, port: int) -> None:
    """Serve the app on host:port until interrupted."""
    from textual_serve.server import Server

    from ..i18n import current_language

    command = [sys.executable, "-m", "rnn_tui", "--lang", current_language(), "open"]
    command += [scenario] if scenario else []  # the browser's app speaks the server's language
    with tempfile.TemporaryDirectory(prefix="rnn-tui-serve-") as folder:
        server = Server(
            shlex.join(command), host=host, port=port, title="rnn-tui",
            templates_path=offline_templates(Path(folder)),
        )  # fmt: skip
        server.serve()
