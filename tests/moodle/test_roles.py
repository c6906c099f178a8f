"""Roles by shortname: listed by local_cooperare_get_roles when the site offers it, the standard ids otherwise."""

from __future__ import annotations

import pytest

from cooperare.errors import MoodleError
from cooperare.moodle.client import STANDARD_ROLE_IDS, MoodleClient
from cooperare.sandbox import Sandbox


def test_roles_are_read_from_the_site_once() -> None:
    box = Sandbox(plugin=True)
    client = MoodleClient(box.transport())
    roles = client.roles()
    assert {name: role.id for name, role in roles.items() if name in STANDARD_ROLE_IDS} == STANDARD_ROLE_IDS
    assert roles["student"].assignable_in_course and not roles["user"].assignable_in_course
    assert client.role_id("editingteacher") == 3
    calls = client.transport.stats.by_function["local_cooperare_get_roles"]
    client.role_id("teacher")
    assert client.transport.stats.by_function["local_cooperare_get_roles"] == calls == 1


def test_a_role_the_site_made_is_found_by_its_shortname() -> None:
    box = Sandbox(plugin=True)
    box.site.db["role"].insert_with_id({"id": 9, "name": "Tutore", "shortname": "tutore", "sortorder": 9,
                                        "archetype": "teacher"})
    client = MoodleClient(box.transport())
    assert client.roles()["tutore"].archetype == "teacher"
    with pytest.raises(MoodleError, match="no role 'tutore' that can be given in a course") as error:
        client.role_id("tutore")  # the sandbox's course-assignable roles are the fresh install's
    assert "editingteacher" in (error.value.hint or "")
    with pytest.raises(MoodleError, match="'profesor'"):
        client.role_id("profesor")


def test_without_the_plugin_the_standard_ids_are_assumed_and_nothing_else() -> None:
    client = MoodleClient(Sandbox(plugin=False).transport())
    assert client.role_id("student") == 5 and client.role_id("teacher") == 4
    assert client.transport.stats.by_function["local_cooperare_get_roles"] == 0
    with pytest.raises(MoodleError, match="cannot resolve the role 'tutore'") as error:
        client.role_id("tutore")
    assert "local_cooperare" in (error.value.hint or "")
