"""The app as each `rnn-tui serve` browser session runs it:
`python -m rnn_tui.ui.serve_app LANG [SCENARIO]`.

Not `rnn-tui open`, which wants a terminal on stdin and stdout: here the app talks to
textual-serve through pipes, with the web driver textual-serve names in TEXTUAL_DRIVER.
Run in a terminal by hand, it refuses (exit 2) rather than print the web driver's
packets there."""

from __future__ import annotations

import os
import sys

WEB_DRIVER = "textual.drivers.web_driver:WebDriver"
"""What textual-serve puts in TEXTUAL_DRIVER for the processes it starts."""


def main(argv: list[str]) -> int:
    from ..i18n import LANGUAGES, _, set_language

    language, scenario = (argv[0] if argv else None), (argv[1] if len(argv) > 1 else None)
    set_language(language if language in LANGUAGES else None)
    if os.environ.get("TEXTUAL_DRIVER") != WEB_DRIVER or len(argv) > 2:
        print(
            _("rnn-tui: this is run by rnn-tui serve for each browser; use rnn-tui serve"),
            file=sys.stderr,
        )
        return 2
    from ..scenario import ScenarioError
    from . import make_app

    try:
        app = make_app(scenario)
    except ScenarioError as e:  # checked before serving; it changed since
        for problem in e.problems:
            print(_("error: {problem}").format(problem=problem), file=sys.stderr)
        return 2
    app.run()
    return app.return_code or 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
