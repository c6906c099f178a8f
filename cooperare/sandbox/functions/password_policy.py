"""Moodle's password policy as the recorded site configures it (``check_password_policy``).

The recorded site uses Moodle's defaults: at least 8 characters, 1 digit, 1 lower case, 1 upper case and 1
non-alphanumeric character, no limit on consecutive identical characters. The error is the concatenation of one
``<div>`` per failed rule, which ``user_create_user`` then throws as the *error code* of a ``moodle_exception``.
"""

from __future__ import annotations

from dataclasses import dataclass

from cooperare.sandbox.functions.moodle_strings import get_string
from cooperare.sandbox.php import unicode_category_count

_DIGITS = ("Nd",)
_LOWER = ("Ll",)
_UPPER = ("Lu",)


@dataclass(frozen=True)
class PasswordPolicy:
    minlength: int = 8
    digits: int = 1
    lower: int = 1
    upper: int = 1
    nonalphanum: int = 1
    maxconsecutiveidentchars: int = 0

    def errors(self, password: str) -> list[str]:
        """``get_password_policy_errors``: the failed rules, in Moodle's order."""
        errors = []
        if len(password) < self.minlength:
            errors.append(get_string("errorminpasswordlength", "auth", self.minlength))
        if unicode_category_count(password, _DIGITS) < self.digits:
            errors.append(get_string("errorminpassworddigits", "auth", self.digits))
        if unicode_category_count(password, _LOWER) < self.lower:
            errors.append(get_string("errorminpasswordlower", "auth", self.lower))
        if unicode_category_count(password, _UPPER) < self.upper:
            errors.append(get_string("errorminpasswordupper", "auth", self.upper))
        others = len(password) - unicode_category_count(password, _DIGITS + _LOWER + _UPPER)
        if others < self.nonalphanum:
            errors.append(get_string("errorminpasswordnonalphanum", "auth", self.nonalphanum))
        if not self._consecutive_ok(password):
            errors.append(get_string("errormaxconsecutiveidentchars", "auth", self.maxconsecutiveidentchars))
        return errors

    def _consecutive_ok(self, password: str) -> bool:
        limit = self.maxconsecutiveidentchars
        if limit <= 0:
            return True
        run = 0
        previous = None
        for char in password:
            run = run + 1 if char == previous else 1
            previous = char
            if run > limit:
                return False
        return True


DEFAULT_POLICY = PasswordPolicy()


def password_policy_error(password: str, policy: PasswordPolicy = DEFAULT_POLICY) -> str:
    """``check_password_policy``'s ``$errmsg``: empty when the password is acceptable."""
    return "".join(f"<div>{error}</div>" for error in policy.errors(password))
