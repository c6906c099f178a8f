"""``cooperare catalogue check``: lint the training catalogue before it goes to Moodle."""

from __future__ import annotations

from pathlib import Path

import click

from cooperare.cli.context import AppContext, pass_app
from cooperare.courses.lint import lint
from cooperare.errors import InputError


@click.group()
def catalogue() -> None:
    """The training catalogue (YAML): programmes, courses, lessons, quizzes."""


@catalogue.command("check")
@click.argument("path", required=False, type=click.Path(exists=True, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the findings as JSON on stdout.")
@pass_app
def check(app: AppContext, path: Path | None, as_json: bool) -> None:
    """Check a catalogue (default: `catalogue` in cooperare.yaml, else the ACoR catalogue shipped with the pack).

    PATH is a catalogue.yaml or the folder holding it. Reports cedilla diacritics (ş ţ instead of ș ț), questions
    without a correct answer, empty feedback, duplicate idnumbers, completion rules pointing at missing
    activities, pass marks above a quiz's maximum, short lessons, small quizzes and broken HTML. Exits with 1 when
    there are errors.
    """
    loaded = app.catalogue(path)
    findings = lint(loaded)
    errors = [f for f in findings if f.severity == "error"]
    courses = sum(1 for _ in loaded.courses())
    if as_json:
        app.emit_json({
            "catalogue": str(loaded.root),
            "courses": courses,
            "findings": [{"severity": f.severity, "rule": f.rule, "message": f.message,
                          "file": f.location.file, "line": f.location.line, "column": f.location.column,
                          "key": f.location.key} for f in findings],
        })
    else:
        for finding in findings:
            app.say(str(finding), style="red" if finding.severity == "error" else "yellow")
        app.say(f"{loaded.root}: {courses} courses, {len(errors)} errors, {len(findings) - len(errors)} warnings")
    if errors:
        raise InputError(f"the catalogue has {len(errors)} errors")
