"""core_webservice: site information (release, version, the functions the token may call)."""

from __future__ import annotations

import json
import secrets
from functools import cache
from importlib import resources
from typing import Any

from cooperare.sandbox.registry import Call, ws_function

ADVANCED_FEATURES = [
    ("usecomments", 1), ("usetags", 1), ("enablenotes", 1), ("messaging", 1), ("enableblogs", 1),
    ("enablecompletion", 1), ("enablebadges", 1), ("messagingallusers", 0), ("enablecustomreports", 1),
    ("enableglobalsearch", 0), ("mnet_dispatcher_mode", 0), ("enablecompetencies", 1),
]


@cache
def recorded_function_order(version: str) -> list[tuple[str, str]]:
    """(name, component version) of every core function, in the order the recorded site lists them."""
    text = resources.files("cooperare.sandbox").joinpath("data", f"site-functions-{version}.json").read_text("utf-8")
    return [(name, component_version) for name, component_version in json.loads(text)]


def listed_functions(call: Call) -> list[dict[str, str]]:
    site = call.site
    token = site.db["external_tokens"].first(userid=call.user["id"])
    service = site.db["external_services"].get(token["externalserviceid"]) if token else None
    allowed = None if service is None else service["functions"]
    entries = [(name, version) for name, version in recorded_function_order(site.version)]
    if site.settings.plugin and site.contract.plugin_version:
        entries += [(name, site.contract.plugin_version) for name, spec in site.contract.functions.items()
                    if spec.component == "local_cooperare"]
    return [{"name": name, "version": version} for name, version in entries
            if name in site.contract.functions and (allowed is None or name in allowed)]


@ws_function("core_webservice_get_site_info")
def get_site_info(call: Call) -> dict[str, Any]:
    site, user = call.site, call.user
    site_course = site.db["course"].get(1)
    if user.get("privateaccesskey") is None:
        site.db["user"].update(user["id"], privateaccesskey=secrets.token_hex(16))
    return {
        "sitename": site_course["fullname"],
        "username": user["username"],
        "firstname": user["firstname"],
        "lastname": user["lastname"],
        "fullname": site.fullname(user),
        "lang": user.get("lang") or "en",
        "userid": user["id"],
        "siteurl": site.wwwroot,
        "userpictureurl": site.image_url("core", "u/f1"),
        "functions": listed_functions(call),
        "downloadfiles": 1,
        "uploadfiles": 1,
        "release": site.release,
        "version": site.moodle_version,
        "mobilecssurl": "",
        "advancedfeatures": [{"name": name, "value": value} for name, value in ADVANCED_FEATURES],
        "usercanmanageownfiles": True,
        "userquota": 0,
        "usermaxuploadfilesize": -1,
        "userhomepage": 1,
        "userprivateaccesskey": user["privateaccesskey"],
        "siteid": 1,
        "sitecalendartype": "gregorian",
        "usercalendartype": "gregorian",
        "userissiteadmin": site.is_siteadmin(user),
        "theme": "boost",
        "limitconcurrentlogins": 0,
        "policyagreed": 0,
    }
