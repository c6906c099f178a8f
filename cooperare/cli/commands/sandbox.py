"""``cooperare sandbox serve``: a sandbox Moodle on a loopback port, for trying the CLI or other clients."""

from __future__ import annotations

import threading

import click

from cooperare.cli.context import AppContext, pass_app
from cooperare.moodle.contract import SUPPORTED_VERSIONS


@click.group()
def sandbox() -> None:
    """The built-in sandbox Moodle (an emulator of Moodle's REST web service, for tests and demos)."""


@sandbox.command("serve")
@click.option("--port", type=click.IntRange(0, 65535), default=8085, show_default=True,
              help="Loopback port (0 picks a free one).")
@click.option("--token", help="Token to accept (default: a random one, printed). The sandbox's token is not a secret.")
@click.option("--wwwroot", help="Site URL the sandbox reports (default: the URL it listens on).")
@click.option("--max-input-vars", type=click.IntRange(1), default=1000, show_default=True,
              help="Emulated PHP max_input_vars (POST variables beyond it are silently dropped).")
@click.option("--moodle-version", type=click.Choice(SUPPORTED_VERSIONS), default="4.5", show_default=True,
              help="Moodle release to answer as.")
@click.option("--no-plugin", is_flag=True, help="Answer as a site without the pack's plugin local_cooperare.")
@click.option("--control", is_flag=True,
              help="Also answer POST /_sandbox/reset, /_sandbox/config and /_sandbox/fault (test harnesses).")
@pass_app
def serve(app: AppContext, port: int, token: str | None, wwwroot: str | None, max_input_vars: int,
          moodle_version: str, no_plugin: bool, control: bool) -> None:
    """Serve a fresh sandbox Moodle on 127.0.0.1 until interrupted; prints its URL and token."""
    from cooperare.sandbox import Sandbox
    from cooperare.sandbox.httpd import SandboxHTTPServer

    box = Sandbox(version=moodle_version, plugin=not no_plugin, max_input_vars=max_input_vars, token=token)
    httpd = SandboxHTTPServer(box.server, port=port, control=control)
    url = f"http://127.0.0.1:{httpd.port}"
    box.site.settings.wwwroot = (wwwroot or url).rstrip("/")
    click.echo(f"url: {url}")
    click.echo(f"token: {box.token.reveal()}")
    click.echo(f"wwwroot: {box.site.wwwroot}", err=False)
    app.say(f"Sandbox Moodle {box.site.release}{'' if no_plugin else ' with local_cooperare'}, "
            f"max_input_vars {max_input_vars}{', control endpoints on' if control else ''}. Ctrl-C stops it.")
    app.say(f"Try: COOPERARE_MOODLE_URL={url} COOPERARE_MOODLE_TOKEN=<token above> cooperare moodle check",
            style="dim")
    stop = threading.Event()
    thread = threading.Thread(target=httpd.serve_forever, name="cooperare-sandbox", daemon=True)
    thread.start()
    try:
        while not stop.wait(0.5):
            pass
    except KeyboardInterrupt:
        pass
    finally:
        httpd.shutdown()
        httpd.server_close()
    app.say("Sandbox stopped.")
