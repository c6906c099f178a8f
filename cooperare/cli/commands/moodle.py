"""``cooperare moodle check``: can the pack work with the configured Moodle, and what is missing."""

from __future__ import annotations

from typing import Any

import click

from cooperare.cli.context import AppContext, pass_app
from cooperare.moodle.client import SITE_SETUP, MoodleClient
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
    report["romanian"] = romanian_report(client)
    report["warnings"].extend(report["romanian"]["warnings"])
    if probe:
        result = probe_max_input_vars(client.transport, site)
        report["max_input_vars"] = {"budget": result.budget, "accepted": result.accepted, "probed": result.probed}
        if result.probed and not result.accepted:
            report["warnings"].append(
                f"the server dropped POST variables below the configured budget of {result.budget}: PHP's "
                "max_input_vars looks low; lower site.var_budget or raise max_input_vars (5000 is common)")
    return report


COURSE_TIMEZONE = "Europe/Bucharest"
LANGPACK_HINT = ("add the Romanian language pack: Site administration › Language › Language packs › Română (ro) › "
                 "Install (a site without Internet access: unzip the ro pack from Moodle's download site into "
                 "moodledata/lang/ and purge the caches)")
CEDILLA_HINT = ("Moodle's Romanian pack spells about 1,500 of its own strings with ş ţ (cedilla) where the courses use "
                "ș ț; `cooperare langpack comma-below MOODLEDATA/lang/ro --out MOODLEDATA/lang/ro_local` respells "
                "them as a language customisation, with the pack's English, typos and 'tu' corrected (purge the caches "
                "afterwards)")


def romanian_report(client: MoodleClient) -> dict[str, Any]:
    """Whether trainees will meet Moodle in Romanian, and in which timezone dates are shown (needs the plugin's
    local_cooperare_get_site_setup; without it, says what cannot be told)."""
    site = client.site
    if not site.has_plugin or SITE_SETUP not in site.functions:
        return {"known": False, "langpack": None, "timezone": None, "warnings": [
            "cannot tell whether the Romanian language pack is installed nor the site's timezone: the token's "
            "service lacks local_cooperare_get_site_setup (plugin 0.3.0+)"]}
    setup = client.site_setup()
    warnings = []
    installed = "ro" in setup.languages
    if not installed:
        warnings.append(f"the Romanian language pack is not installed, so Moodle's own words (Completion, Check, "
                        f"True/False...) stay English and courses keep the site language; {LANGPACK_HINT}")
    zone = setup.forcetimezone or setup.timezone
    if zone != COURSE_TIMEZONE:
        warnings.append(f"the site's timezone is {zone}, while catalogue dates are {COURSE_TIMEZONE} midnights "
                        f"(shown to trainees in their own timezone); set the default timezone to {COURSE_TIMEZONE} "
                        "under Site administration › General › Location settings")
    if not setup.enableavailability:
        warnings.append("restricted access is off: the final quiz and the survey cannot wait for the module tests; "
                        "turn on 'Enable restricted access' under Site administration › Advanced features")
    return {"known": True, "langpack": installed, "hint": CEDILLA_HINT if installed else "",
            "languages": sorted(setup.languages), "timezone": setup.timezone,
            "forcetimezone": setup.forcetimezone, "enableavailability": setup.enableavailability,
            "warnings": warnings}


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
    romanian = report.get("romanian") or {}
    if romanian.get("known"):
        app.say(f"Romanian language pack: {'installed' if romanian['langpack'] else 'NOT installed'}; "
                f"site timezone {romanian['timezone']}" + (f" (forced {romanian['forcetimezone']})"
                                                           if romanian["forcetimezone"] else ""))
        if romanian.get("hint"):
            app.say(f"  {romanian['hint']}", style="dim")
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
