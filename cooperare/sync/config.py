"""Former home of the ``roster:`` settings, now :mod:`cooperare.config.roster` (configuration does not depend on
the domain). Kept only so code written against the old path still imports; new code imports the new one.
"""

from cooperare.config.roster import FIELDS, Encoding, Enrolment, RosterConfig, UsernamePolicy

__all__ = ["FIELDS", "Encoding", "Enrolment", "RosterConfig", "UsernamePolicy"]
