"""Replay recorded Moodle scenarios (``moodle-contract/scenarios``) against a fresh sandbox and compare answers.

Comparison follows the contract's rule: HTTP status, content type, body type, every key and key order, every value
and JSON type, ids included; only the scenario's ``variable_fields`` (compared for presence and JSON type) and the
groups of ``variable_text`` are exempt. Requests go through ``requests`` and the in-process adapter, byte for byte
as recorded (the token placeholder replaced).
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

import requests

from cooperare.sandbox import Sandbox

TOKEN_PLACEHOLDER = "TOKEN"
# PHP-FPM's max_input_vars on the recorded servers before any server_config step (max_input_vars.json sends 2403
# variables successfully first, lowers the limit to 1000, then restores it to 5000).
RECORDED_MAX_INPUT_VARS = 5000
_PATH_TOKEN = re.compile(r"\.([A-Za-z0-9_]+)|\[(\*|\d+)\]")


@dataclass
class StepResult:
    index: int
    note: str
    differences: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.differences


@dataclass
class ScenarioResult:
    name: str
    steps: list[StepResult]

    @property
    def matched(self) -> int:
        return sum(1 for s in self.steps if s.ok)

    @property
    def ok(self) -> bool:
        return all(s.ok for s in self.steps)


def _parse_path(path: str) -> list[str | int]:
    """``body.courses[*].id`` → ['courses', '*', 'id'] (the leading ``body`` dropped)."""
    tokens: list[str | int] = []
    for name, index in _PATH_TOKEN.findall("." + path):
        if name:
            tokens.append(name)
        elif index == "*":
            tokens.append("*")
        else:
            tokens.append(int(index))
    return tokens[1:] if tokens and tokens[0] == "body" else tokens


def _matches(pattern: list[str | int], actual: list[str | int]) -> bool:
    return len(pattern) == len(actual) and all(p == "*" or p == a for p, a in zip(pattern, actual, strict=True))


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int):
        return "int"
    if isinstance(value, float):
        return "float"
    if isinstance(value, str):
        return "str"
    if isinstance(value, list):
        return "list"
    return "object"


def compare_json(expected: Any, actual: Any, variable: list[list[str | int]], path: list[str | int] | None = None
                 ) -> Iterator[str]:
    """Differences between two parsed JSON values, skipping variable paths (type still checked)."""
    path = path or []
    where = "body" + "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in path)
    if any(_matches(pattern, path) for pattern in variable):
        if _json_type(expected) != _json_type(actual):
            yield f"{where}: type {_json_type(actual)} instead of {_json_type(expected)}"
        return
    if _json_type(expected) != _json_type(actual):
        yield f"{where}: {actual!r} ({_json_type(actual)}) instead of {expected!r} ({_json_type(expected)})"
        return
    if isinstance(expected, dict):
        if list(expected) != list(actual):
            yield f"{where}: keys {list(actual)} instead of {list(expected)}"
        for key in expected:
            if key in actual:
                yield from compare_json(expected[key], actual[key], variable, path + [key])
    elif isinstance(expected, list):
        if len(expected) != len(actual):
            yield f"{where}: {len(actual)} items instead of {len(expected)}"
        for index, (e, a) in enumerate(zip(expected, actual, strict=False)):
            yield from compare_json(e, a, variable, path + [index])
    elif expected != actual:
        yield f"{where}: {actual!r} instead of {expected!r}"


def _mask_text(text: str, patterns: list[str]) -> str:
    for pattern in patterns:
        text = re.sub(pattern, lambda m: m.group(0).replace(m.group(1), "<var>") if m.group(1) else m.group(0), text)
    return text


def _resolve(responses: dict[int, Any], binding: str) -> Any:
    match = re.match(r"steps\[(\d+)\]\.response\.(.*)$", binding)
    if not match:
        raise ValueError(f"unsupported binding {binding}")
    value = responses[int(match.group(1))]
    if match.group(2).startswith("body"):  # _parse_path drops the leading "body"
        value = value["body"]
    for token in _parse_path(match.group(2)):
        value = value[token]
    return value


def _encode_urlencoded(params: list[tuple[str, str]]) -> bytes:
    return "&".join(f"{quote(k, safe='')}={quote(v, safe='')}" for k, v in params).encode("ascii")


def _encode_multipart(params: list[tuple[str, str]], files: list[dict[str, Any]]) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    chunks: list[bytes] = []
    for name, value in params:
        chunks.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'.encode()
                      + value.encode() + b"\r\n")
    for spec in files:
        head = (f'--{boundary}\r\nContent-Disposition: form-data; name="{spec["field"]}"; '
                f'filename="{spec["filename"]}"\r\nContent-Type: {spec["content_type"]}\r\n\r\n')
        chunks.append(head.encode() + base64.b64decode(spec["base64"]) + b"\r\n")
    chunks.append(f"--{boundary}--\r\n".encode())
    return b"".join(chunks), f"multipart/form-data; boundary={boundary}"


def replay(scenario_path: Path, *, version: str | None = None, sandbox: Sandbox | None = None,
           served: ServedSandbox | None = None) -> ScenarioResult:
    """Replay one scenario file against a fresh sandbox (or the one given) and report differences per step.

    With ``served``, the scenario goes over HTTP to a running ``sandbox serve --control``: it is reset first through
    ``POST /_sandbox/reset`` and its ``server_config`` steps go through ``POST /_sandbox/config``, as a harness
    replaying scenarios one after another on one server does.
    """
    scenario = json.loads(Path(scenario_path).read_text(encoding="utf-8"))
    version = version or ("5.0" if scenario["moodle_release"].startswith("5.") else "4.5")
    if served is not None:
        session = requests.Session()
        base_url, token = served.url, served.token
        session.post(base_url + "/_sandbox/reset").raise_for_status()

        def configure(config: dict[str, Any]) -> None:
            _post_server_config(session, base_url, config)

        def grant(spec: dict[str, Any]) -> str:
            raise ValueError(f"{scenario['name']}: a token for another user (grant_token) needs an in-process sandbox")
    else:
        sandbox = sandbox or Sandbox(version=version, plugin=False, wwwroot=_recorded_url(scenario),
                                     max_input_vars=RECORDED_MAX_INPUT_VARS)
        session = sandbox.session()
        base_url, token = sandbox.url, sandbox.token.reveal()
        box = sandbox

        def configure(config: dict[str, Any]) -> None:
            _apply_server_config(box, config)

        def grant(spec: dict[str, Any]) -> str:
            return _grant_token(box, spec)

    results = _replay_steps(scenario, session, base_url, {TOKEN_PLACEHOLDER: token}, configure, grant)
    return ScenarioResult(scenario["name"], results)


@dataclass(frozen=True)
class ServedSandbox:
    """A sandbox answering over HTTP with its control endpoints on: where to post, and its token."""

    url: str
    token: str


def _grant_token(sandbox: Sandbox, spec: dict[str, Any]) -> str:
    """What the recorder's ``--grant`` did on the real site: the user (created earlier in the scenario) holds exactly
    ``capabilities`` at site level and gets a token of their own on the service."""
    users = sandbox.site.db["user"]
    user = users.first(username=spec["username"])
    if user is None:
        raise ValueError(f"grant_token: no user {spec['username']!r} in the sandbox")
    users.update(user["id"], capabilities=list(spec["capabilities"]))
    token = hashlib.md5(f"grant:{spec['username']}".encode()).hexdigest()  # noqa: S324 - an id, not a secret
    admin = sandbox.site.db["external_tokens"].first(token=sandbox.token.reveal())
    sandbox.site.add_token(token, userid=user["id"], serviceid=admin["externalserviceid"] if admin else 2)
    sandbox.site.db.commit()
    return token


def _replay_steps(scenario: dict[str, Any], session: requests.Session, base_url: str, tokens: dict[str, str],
                  configure: Callable[[dict[str, Any]], None],
                  grant: Callable[[dict[str, Any]], str]) -> list[StepResult]:
    variable_by_step: dict[int, list[list[str | int]]] = {}
    for path in scenario.get("variable_fields", []):
        match = re.match(r"steps\[(\d+)\]\.response\.(.*)$", path)
        if match:
            variable_by_step.setdefault(int(match.group(1)), []).append(_parse_path(match.group(2)))
    variable_text = {int(re.match(r"steps\[(\d+)\]", k).group(1)): v  # type: ignore[union-attr]
                     for k, v in scenario.get("variable_text", {}).items()}
    responses: dict[int, Any] = {}
    results: list[StepResult] = []
    for index, step in enumerate(scenario["steps"]):
        if "server_config" in step:
            configure(step["server_config"])
            continue
        if "grant_token" in step:
            tokens[step["grant_token"]["placeholder"]] = grant(step["grant_token"])
            continue
        request, expected = step["request"], step["response"]
        params = [(k, tokens[v] if v in tokens and k in ("wstoken", "token") else v)
                  for k, v in request["params"]]
        for param, binding in (request.get("bindings") or {}).items():
            params = [(k, str(_resolve(responses, binding)) if k == param else v) for k, v in params]
        if request["encoding"].startswith("multipart"):
            body, content_type = _encode_multipart(params, request.get("files") or [])
        else:
            body, content_type = _encode_urlencoded(params), "application/x-www-form-urlencoded"
        answer = session.post(base_url + request["path"], data=body, headers={"Content-Type": content_type})
        result = StepResult(index, step.get("note", ""))
        if answer.status_code != expected["http_status"]:
            result.differences.append(f"HTTP {answer.status_code} instead of {expected['http_status']}")
        if answer.headers.get("Content-Type") != expected["content_type"]:
            result.differences.append(
                f"content type {answer.headers.get('Content-Type')!r} instead of {expected['content_type']!r}")
        text = answer.content.decode("utf-8")
        if expected["body_format"] == "json":
            try:
                actual = json.loads(text)
            except json.JSONDecodeError:
                result.differences.append(f"body is not JSON: {text[:200]!r}")
                actual = None
            else:
                result.differences.extend(compare_json(expected["body"], actual, variable_by_step.get(index, [])))
            responses[index] = {"body": actual}
        else:
            patterns = variable_text.get(index, [])
            if _mask_text(text, patterns) != _mask_text(expected["body"], patterns):
                result.differences.append(f"text body differs:\n{text[:600]}\n--- expected ---\n"
                                          f"{expected['body'][:600]}")
            responses[index] = {"body": text}
        results.append(result)
    return results


def _recorded_url(scenario: dict[str, Any]) -> str:
    for step in scenario["steps"]:
        body = json.dumps(step.get("response", {}).get("body", ""))
        match = re.search(r"(http://127\.0\.0\.1:\d+)", body)
        if match:
            return match.group(1)
    return "http://127.0.0.1:8086" if scenario["moodle_release"].startswith("5.") else "http://127.0.0.1:8085"


def _post_server_config(session: requests.Session, base_url: str, config: dict[str, Any]) -> None:
    if "max_input_vars" in config:
        session.post(base_url + "/_sandbox/config",
                     data={"max_input_vars": str(config["max_input_vars"])}).raise_for_status()
    for name, value in (config.get("moodle_config") or {}).items():
        session.post(base_url + "/_sandbox/config", data={"name": name, "value": str(value)}).raise_for_status()


def _apply_server_config(sandbox: Sandbox, config: dict[str, Any]) -> None:
    if "max_input_vars" in config:
        sandbox.site.settings.max_input_vars = int(config["max_input_vars"])
    for name, value in (config.get("moodle_config") or {}).items():
        sandbox.site.settings.config[name] = value
