"""Roles by shortname: read from the site through the plugin once per client, assumed (Moodle's installer ids) and
corrected by roles read back on a site without it, and an unknown shortname named in the error."""

from __future__ import annotations

import pytest

from cooperare.errors import UnknownRole
from cooperare.moodle.client import MoodleClient
from cooperare.moodle.roles import RoleDirectory
from cooperare.sandbox import Sandbox


def renumbered(box: Sandbox) -> None:
    """A migrated site: student has id 9 and id 5 is a role of the site's own."""
    roles = box.site.db["role"]
    student = next(r for r in roles if r["shortname"] == "student")
    student["shortname"] = "observator"
    roles.insert_with_id({"id": 9, "name": "", "shortname": "student", "sortorder": 9})


def test_the_plugin_lists_the_sites_roles_read_once_per_client() -> None:
    box = Sandbox(plugin=True)
    renumbered(box)
    client = MoodleClient(box.transport())
    assert client.roles.source == "site"
    assert [client.roles.id_of(name) for name in ("manager", "editingteacher", "teacher", "student")] == [1, 3, 4, 9]
    assert client.roles.id_of("observator") == 5
    assert client.transport.stats.by_function["local_cooperare_get_roles"] == 1


def test_enrolment_uses_the_role_found_by_shortname() -> None:
    box = Sandbox(plugin=True)
    client = MoodleClient(box.transport())
    course = client.courses.create([{"fullname": "Curs", "shortname": "C", "categoryid": 1}])[0]["id"]
    user = client.users.create([{"username": "ana", "password": "Parola#2026", "firstname": "Ana",
                                 "lastname": "Pop", "email": "ana@example.org"}])[0]["id"]
    client.enrol.enrol([(course, user)], role="editingteacher")
    client.enrol.enrol([(course, user)])
    enrolled, = client.enrol.enrolled_users(course, userfields=["id", "roles"])
    assert sorted(enrolled.role_ids) == [(3, "editingteacher"), (5, "student")]


def test_an_unknown_shortname_is_named_with_the_roles_the_site_has() -> None:
    client = MoodleClient(Sandbox(plugin=True).transport())
    with pytest.raises(UnknownRole, match=r"'formator'.*editingteacher.*student"):
        client.roles.id_of("formator")


def test_without_the_plugin_installer_ids_are_assumed_and_roles_read_back_win() -> None:
    client = MoodleClient(Sandbox(plugin=False).transport())
    roles = client.roles
    assert roles.source == "assumed" and roles.id_of("student") == 5
    roles.observe([(9, "student"), (5, "observator")])
    assert roles.id_of("student") == 9 and roles.id_of("observator") == 5
    assert client.transport.stats.calls == 1  # site info only


def test_a_role_seen_with_another_id_than_the_site_gave_is_refused() -> None:
    roles = RoleDirectory({"student": 5}, source="site")
    roles.observe([(5, "student")])
    with pytest.raises(UnknownRole, match="'student' has id 9"):
        roles.observe([(9, "student")])
