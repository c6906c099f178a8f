"""The site's roles by shortname (student, editingteacher, teacher, manager...), read once per client.

Moodle's web services take role ids, which differ between sites (a role deleted and made again, a site migrated);
the pack names roles by shortname only and asks this directory for the id. Sources, best first: the roles
``local_cooperare_get_roles`` lists (plugin 0.4.0+); roles seen on enrolled users read back from the site
(``core_enrol_get_enrolled_users`` with ``roles``), which also check every id taken from the third source; and,
for a site without the plugin, the ids Moodle's installer gives its standard roles — marked *assumed*, so a role
seen on the site with another id wins, and a role seen under an assumed id with another shortname is refused. An
unknown shortname is an error naming it and the roles the site has. This module must not know about trainees,
trainers or courses.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from cooperare.errors import UnknownRole

# Moodle's installer (lib/db/install.php, get_role_archetypes()): the ids of the standard roles on a fresh site.
INSTALL_DEFAULTS: Mapping[str, int] = {"manager": 1, "coursecreator": 2, "editingteacher": 3, "teacher": 4,
                                       "student": 5, "guest": 6, "user": 7, "frontpage": 8}


class RoleDirectory:
    """Shortname → role id for one site; ``source`` says where the ids came from (``site`` or ``assumed``)."""

    def __init__(self, roles: Mapping[str, int], *, source: str) -> None:
        self._ids = dict(roles)
        self._assumed = set(roles) if source == "assumed" else set()
        self.source = source

    @classmethod
    def assumed(cls) -> RoleDirectory:
        return cls(INSTALL_DEFAULTS, source="assumed")

    @property
    def shortnames(self) -> list[str]:
        return sorted(self._ids)

    def id_of(self, shortname: str) -> int:
        """The id of the role ``shortname``; :class:`UnknownRole` naming it when the site has no such role."""
        found = self._ids.get(shortname)
        if found is None:
            where = "the site's roles" if self.source == "site" else "the standard roles of a Moodle site"
            raise UnknownRole(
                f"no role with the shortname {shortname!r} among {where} ({', '.join(self.shortnames)})",
                hint="use one of them, or create the role in Site administration › Users › Define roles",
            )
        return found

    def observe(self, seen: Iterable[tuple[int, str]]) -> None:
        """Roles seen on the site as ``(roleid, shortname)``: they replace assumed ids; a seen pair contradicting
        an id the site itself gave is refused (the site changed under this run)."""
        for role_id, shortname in seen:
            if not shortname:
                continue
            known = self._ids.get(shortname)
            if known == role_id:
                self._assumed.discard(shortname)
                continue
            if known is not None and shortname not in self._assumed:
                raise UnknownRole(f"role {shortname!r} has id {role_id} on the site, not {known} as read before",
                                  hint="run the command again")
            for other, other_id in list(self._ids.items()):
                if other_id == role_id and other != shortname and other in self._assumed:
                    del self._ids[other]  # the installer's id belongs to another role on this site
                    self._assumed.discard(other)
            self._ids[shortname] = role_id
            self._assumed.discard(shortname)
