"""The ``cooperare`` command and its one error boundary.

Exit codes: 0 ok; 1 input or configuration error; 2 usage error; 3 Moodle or network error; 130 interrupted.
Tracebacks only with ``--debug``, and even then with every known secret redacted.
"""

from __future__ import annotations

import logging
import sys
import traceback
from pathlib import Path

import click

from cooperare import __version__
from cooperare.cli.context import AppContext
from cooperare.errors import EXIT_INPUT, EXIT_USAGE, CooperareError
from cooperare.secrets import RedactingFilter, redact

EXIT_INTERRUPTED = 130
THIRD_PARTY_LOGGERS = ("urllib3",)


def _setup_logging(debug: bool) -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.addFilter(RedactingFilter())
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger("cooperare")
    root.handlers[:] = [handler]
    root.setLevel(logging.DEBUG if debug else logging.WARNING)
    # A filter on a logger does not see records of its child loggers (urllib3.connectionpool logs the URLs and
    # statuses): those reach handlers only, so third-party loggers get the same redacting handler, never their own.
    for noisy in THIRD_PARTY_LOGGERS:
        third_party = logging.getLogger(noisy)
        third_party.handlers[:] = [handler] if debug else []
        third_party.propagate = not debug
        third_party.setLevel(logging.DEBUG if debug else logging.NOTSET)


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 110})
@click.version_option(__version__, "--version", prog_name="cooperare", message="%(prog)s %(version)s")
@click.option("--config", "config_path", type=click.Path(dir_okay=False, path_type=Path),
              help="Configuration file (default: cooperare.yaml in the working directory, else environment).")
@click.option("--debug", is_flag=True, help="Verbose log and tracebacks on errors (secrets stay redacted).")
@click.pass_context
def cli(ctx: click.Context, config_path: Path | None, debug: bool) -> None:
    """Provision the ACoR training catalogue into Moodle, sync the trainee roster, and certify trainees.

    Trainers: `cooperare catalogue check`, `cooperare courses plan`, `cooperare courses apply`.
    Coordinators: `cooperare roster ...`, `cooperare certificates ...`, `cooperare report ...`.
    Try everything on a built-in sandbox Moodle with `cooperare demo`.
    """
    _setup_logging(debug)
    app = AppContext(config_path=config_path, debug=debug)
    ctx.obj = app
    ctx.call_on_close(app.close)


def _register_commands() -> None:
    from cooperare.cli import commands

    for command in commands.ALL:
        cli.add_command(command)


_register_commands()


def _report(error: CooperareError, debug: bool) -> None:
    click.echo(f"Error: {redact(str(error))}", err=True)
    if error.hint:
        click.echo(f"Hint: {redact(error.hint)}", err=True)
    if debug:
        click.echo(redact("".join(traceback.format_exception(error))), err=True)


def main(argv: list[str] | None = None) -> int:
    """Run the CLI and return its exit code (the console-script entry point)."""
    debug = "--debug" in (argv if argv is not None else sys.argv[1:])
    try:
        cli.main(args=argv, prog_name="cooperare", standalone_mode=False)
    except click.exceptions.Exit as done:
        return int(done.exit_code or 0)
    except click.ClickException as error:
        error.show()
        return EXIT_USAGE if isinstance(error, click.UsageError) else EXIT_INPUT
    except click.Abort:
        click.echo("Aborted.", err=True)
        return EXIT_INTERRUPTED
    except KeyboardInterrupt:
        click.echo("Interrupted.", err=True)
        return EXIT_INTERRUPTED
    except CooperareError as error:
        _report(error, debug)
        return error.exit_code
    except Exception as error:  # an unexpected failure is a bug: say so, never dump secrets
        click.echo(f"Internal error: {redact(f'{type(error).__name__}: {error}')}", err=True)
        if debug:
            click.echo(redact("".join(traceback.format_exception(error))), err=True)
        else:
            click.echo("Run again with --debug for the traceback, and report it.", err=True)
        return EXIT_INPUT
    return 0


def run() -> None:  # pragma: no cover - process entry
    sys.exit(main())


if __name__ == "__main__":  # pragma: no cover
    run()
