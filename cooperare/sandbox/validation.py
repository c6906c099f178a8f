"""Moodle's ``external_api::validate_parameters`` and ``clean_returnvalue`` over the recorded descriptions.

Parameters arrive as PHP arrays (dicts with str/int keys, string leaves); returns come from handlers as Python
values. Both are walked along the function's description so the sandbox rejects exactly what Moodle rejects, with
the same nested ``debuginfo`` ("users => Invalid parameter value detected: username => ..."), and answers with the
same key order and JSON types.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from cooperare.moodle.contract import VALUE_DEFAULT, VALUE_REQUIRED, Node
from cooperare.sandbox.exceptions import InvalidParameterException, InvalidResponseException
from cooperare.sandbox.php import PARAM_TYPES, clean_param, php_str

_FLOAT_SYNTAX = re.compile(r"^[+-]?[0-9]*\.?[0-9]*(e[-+]?[0-9]+)?$", re.I)


def _is_numeric(value: Any) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, (int, float)):
        return True
    try:
        float(str(value).strip())
    except ValueError:
        return False
    return str(value).strip() != "" and str(value)[-1:] not in (" ", "\t", "\n")


def _print_r(value: Any) -> str:
    return php_str(value) if not isinstance(value, (Mapping, list)) else "Array"


def validate_param(value: Any, paramtype: str, allownull: bool, debuginfo: str,
                   error: type[Exception] = InvalidParameterException) -> Any:
    """Moodle's ``validate_param``: clean, then refuse if cleaning changed the value."""
    if value is None:
        if allownull:
            return None
        raise error(debuginfo)
    if isinstance(value, (Mapping, list)):
        raise error(debuginfo)
    cleaned = clean_param(value, paramtype)
    if paramtype == "PARAM_FLOAT":
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            pass
        elif not _is_numeric(value) or not _FLOAT_SYNTAX.match(php_str(value)):
            raise error(debuginfo)
    elif php_str(value) != php_str(cleaned):
        raise error(debuginfo)
    return cleaned


def validate_parameters(description: Node, params: Any) -> Any:
    """Validate request parameters against a description; raise InvalidParameterException like Moodle."""
    if params is None and description.get("allownull"):
        return None
    kind = description["type"]
    if kind == "value":
        if isinstance(params, (Mapping, list)):
            raise InvalidParameterException("Scalar type expected, array or object received.")
        paramtype = description["paramtype"]
        if paramtype == "PARAM_BOOL" and (isinstance(params, bool) or params in (0, 1, "0", "1")):
            return bool(int(params))
        debuginfo = (f'Invalid external api parameter: the value is "{php_str(params)}", '
                     f'the server was expecting "{PARAM_TYPES.get(paramtype, "raw")}" type')
        return validate_param(params, paramtype, bool(description.get("allownull")), debuginfo)
    if kind == "single":
        if not isinstance(params, Mapping):
            raise InvalidParameterException(f"Only arrays accepted. The bad value is: '{_print_r(params)}'")
        remaining = dict(params)
        result: dict[str, Any] = {}
        for key, sub in description["keys"].items():
            if key not in remaining:
                if sub["required"] == VALUE_REQUIRED:
                    raise InvalidParameterException(f"Missing required key in single structure: {key}")
                if sub["required"] == VALUE_DEFAULT:
                    try:
                        result[key] = validate_parameters(sub, sub.get("default"))
                    except InvalidParameterException as exc:
                        raise InvalidParameterException(f"{key} => {exc.message}: {exc.debuginfo}") from None
            else:
                try:
                    result[key] = validate_parameters(sub, remaining[key])
                except InvalidParameterException as exc:
                    raise InvalidParameterException(f"{key} => {exc.message}: {exc.debuginfo}") from None
            remaining.pop(key, None)
        if remaining:
            names = ", ".join(str(k) for k in remaining)
            raise InvalidParameterException(f"Unexpected keys ({names}) detected in parameter array.")
        return result
    if kind == "multiple":
        if not isinstance(params, (Mapping, list)):
            raise InvalidParameterException(f"Only arrays accepted. The bad value is: '{_print_r(params)}'")
        values = params.values() if isinstance(params, Mapping) else params
        return [validate_parameters(description["content"], item) for item in values]
    raise InvalidParameterException("Invalid external api description")


def clean_returnvalue(description: Node, response: Any) -> Any:
    """Clean a handler's answer the way Moodle cleans a function's return value before encoding it."""
    if response is None and description.get("allownull"):
        return None
    kind = description["type"]
    if kind == "value":
        if isinstance(response, (Mapping, list)):
            raise InvalidResponseException("Scalar type expected, array or object received.")
        paramtype = description["paramtype"]
        value_type = type(response)
        if value_type is int and paramtype == "PARAM_INT":
            return response  # fast path (rosters clean hundreds of thousands of ids): cleaning cannot change it
        if paramtype == "PARAM_BOOL" and (isinstance(response, bool) or response in (0, 1, "0", "1")):
            return bool(int(response))
        try:
            cleaned = validate_param(response, paramtype, bool(description.get("allownull")), "",
                                     error=InvalidResponseException)
        except InvalidResponseException:
            php_type = {bool: "boolean", int: "integer", float: "double", str: "string"}.get(value_type, "NULL")
            raise InvalidResponseException(
                f'Invalid external api response: the value is "{php_str(response)}" of PHP type "{php_type}", '
                f'the server was expecting "{PARAM_TYPES.get(paramtype, "raw")}" type') from None
        if type(cleaned) is float and cleaned.is_integer() and abs(cleaned) < 1e15:
            return int(cleaned)  # PHP's json_encode writes an integral float as an integer (7.0 -> 7)
        return cleaned
    if kind == "single":
        if not isinstance(response, Mapping):
            raise InvalidResponseException(f"Only arrays/objects accepted. The bad value is: '{_print_r(response)}'")
        result: dict[str, Any] = {}
        for key, sub in description["keys"].items():
            if key not in response:
                if sub["required"] == VALUE_REQUIRED:
                    raise InvalidResponseException(
                        f"Error in response - Missing following required key in a single structure: {key}")
                if sub["type"] == "value" and sub["required"] == VALUE_DEFAULT:
                    try:
                        result[key] = clean_returnvalue(sub, sub.get("default"))
                    except InvalidResponseException as exc:
                        raise InvalidResponseException(f"{key} => {exc.message}: {exc.debuginfo}") from None
            else:
                try:
                    result[key] = clean_returnvalue(sub, response[key])
                except InvalidResponseException as exc:
                    raise InvalidResponseException(f"{key} => {exc.message}: {exc.debuginfo}") from None
        return result if result else []  # an empty PHP array is encoded as [] even for a single structure
    if kind == "multiple":
        if not isinstance(response, (Mapping, list, tuple)):
            raise InvalidResponseException(f"Only arrays accepted. The bad value is: '{_print_r(response)}'")
        values = response.values() if isinstance(response, Mapping) else response
        return [clean_returnvalue(description["content"], item) for item in values]
    raise InvalidResponseException("Invalid external api response description")
