"""``cooperare moodle check``: can the pack work with the configured Moodle, and what is missing."""

from __future__ import annotations

from typing import Any

import click

from cooperare.cli.context import AppContext, pass_app
from cooperare.moodle.client import MoodleClient
from cooperare.moodle.probe import probe_max_input_vars
from cooperare.moodle.site import CORE_FUNCTIONS


@click.group()
def moodle() -> None:
    """Inspect the configured Moodle site."""


def site_report(client: MoodleClient, *, probe: bool = True) -> dict[str, Any]:
    """Everything `moodle check` reports, as data (used by `demo` too)."""
    site = client.site
    wanted = sorted({name for names in CORE_FUNCTIONS.values() for name in names})
    missing_core = site.missing(wanted)
    report: dict[str, Any] = {
        "url": client.transport.url,
        "sitename": site.sitename,
        "release": site.release,
        "version": site.version,
        "user": site.username,
        "siteadmin": site.is_siteadmin,
        "core_functions_needed": len(wanted),
        "missing_core_functions": missing_core,
        "missing_by_purpose": {purpose: site.missing(names) for purpose, names in CORE_FUNCTIONS.items()
                               if site.missing(names)},
        "plugin": {
            "installed": site.has_plugin,
            "version": site.plugin_version,
            "missing_functions": site.missing_plugin_functions() if site.has_plugin else [],
        },
        "warnings": site.version_warnings(),
    }
    if probe:
        result = probe_max_input_vars(client.transport, site)
        report["max_input_vars"] = {"budget": result.budget, "accepted": result.accepted, "probed": result.probed}
        if result.probed and not result.accepted:
            report["warnings"].append(
                f"the server dropped POST variables below the configured budget of {result.budget}: PHP's "
                "max_input_vars looks low; lower site.var_budget or raise max_input_vars (5000 is common)")
    return report


def print_report(app: AppContext, report: dict[str, Any]) -> None:
    app.say(f"Moodle {report['release']} at {report['url']} — \"{report['sitename']}\"")
    who = "site administrator" if report["siteadmin"] else "not a site administrator"
    app.say(f"Token user: {report['user']} ({who})")
    missing = report["missing_core_functions"]
    available = report["core_functions_needed"] - len(missing)
    app.say(f"Core functions the pack uses: {available} of {report['core_functions_needed']} available")
    for purpose, names in report["missing_by_purpose"].items():
        app.note(f"  missing for {purpose}: {', '.join(names)}")
    plugin = report["plugin"]
    if plugin["installed"]:
        app.say(f"Plugin local_cooperare: version {plugin['version']}")
        if plugin["missing_functions"]:
            app.note(f"  not in the token's service: {', '.join(plugin['missing_functions'])}")
    else:
        app.note("Plugin local_cooperare: not installed — activities, questions, completion rules and cohort sync "
                 "need it (cooperare plugin package)")
    limit = report.get("max_input_vars")
    if limit and limit["probed"]:
        verdict = "accepted" if limit["accepted"] else "TRUNCATED"
        app.say(f"POST variable budget {limit['budget']}: {verdict} by the server")
    for warning in report["warnings"]:
        app.note(f"Warning: {warning}")


@moodle.command("check")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON on stdout.")
@click.option("--no-probe", is_flag=True, help="Skip the max_input_vars probe (one read call).")
@pass_app
def check(app: AppContext, as_json: bool, no_probe: bool) -> None:
    """Report the site's release, missing core functions, the plugin and its version, and a max_input_vars hint.

    Exits with 3 when core functions the pack needs are missing from the token's service.
    """
    client = app.client()
    report = site_report(client, probe=not no_probe)
    if as_json:
        app.emit_json(report)
    else:
        print_report(app, report)
        app.ws_summary()
    if report["missing_core_functions"]:
        client.site.require(report["missing_core_functions"], purpose="the pack")
