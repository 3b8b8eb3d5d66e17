"""`cjdsl preview`: the diagram and its diagnostics in a browser, refreshed on every save."""

from __future__ import annotations

import pathlib
import sys
import threading
import time
import webbrowser

import click

from .. import rendering
from ..preview import page as preview_html
from ..preview import server as preview
from ..preview.page import View
from . import common, render_options, watch

__all__ = ["preview_command"]


@click.command("preview")
@click.argument("path", type=click.Path(dir_okay=False))
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=8765,
    show_default=True,
    help="Port on 127.0.0.1 (0: any free port).",
)
@click.option("--open", "open_", is_flag=True, help="Open the page in the default browser.")
@render_options.render_options(
    page=True, theme_help="Diagram colours; auto shows light or dark as the browser prefers."
)
@render_options.interval_option
@common.scenario_option
def preview_command(
    path: str,
    port: int,
    open_: bool,
    options: rendering.Options,
    theme: str,
    interval: float,
    scenario: str | None = None,
) -> None:
    """Show PATH's diagram and diagnostics on a local page that updates on every save.

    The page is served on 127.0.0.1 only. With --theme auto (the default) it
    follows the browser's light or dark mode.
    """
    if path == "-":
        raise common.Fail("preview follows a file; standard input (-) cannot be watched")
    journey = pathlib.Path(path)
    live = preview.Preview(View(0, path, ""))
    try:
        server = preview.make_server(live, port)
    except OSError as error:
        raise common.Fail(
            f"cannot listen on {preview.HOST}:{port}: {error.strerror or error}; "
            "try another --port (0 picks a free one)"
        ) from error
    url = f"http://{preview.HOST}:{server.server_address[1]}/"

    def report(view: View) -> None:
        stamp = time.strftime("%H:%M:%S")
        found = preview_html.status(view)[1]
        problem = f"; {view.problem}" if view.problem else ""
        click.echo(f"{stamp} run {view.version}: {found}{problem}", err=True)

    preview.watch_in_thread(
        live,
        journey,
        theme=theme,
        options=options,
        interval=interval,
        report=report,
        scenario=scenario,
    )
    click.echo(f"preview of {path} at {url} (Ctrl-C stops)", err=True)
    if open_:
        webbrowser.open(url)

    watch.stop_on_signals()
    serving = threading.Thread(target=server.serve_forever, name="cjdsl-preview", daemon=True)
    serving.start()
    try:
        while serving.is_alive():
            serving.join(0.5)
    except KeyboardInterrupt:
        click.echo("stopped", err=True)
    finally:
        live.stop()
        server.shutdown()
        server.server_close()
    sys.exit(common.EXIT_OK)
