"""Sandbox implementations of Moodle web-service functions, one module per Moodle component.

Importing this package registers every handler (see ``cooperare.sandbox.registry.ws_function``).
"""

from cooperare.sandbox.functions import webservice  # noqa: F401
from cooperare.sandbox.functions import user  # noqa: F401
from cooperare.sandbox.functions import cohort  # noqa: F401
from cooperare.sandbox.functions import course_categories  # noqa: F401
from cooperare.sandbox.functions import course  # noqa: F401
from cooperare.sandbox.functions import course_contents  # noqa: F401
from cooperare.sandbox.functions import enrol  # noqa: F401
from cooperare.sandbox.functions import group  # noqa: F401
from cooperare.sandbox.functions import files  # noqa: F401
from cooperare.sandbox.functions import completion  # noqa: F401
from cooperare.sandbox.functions import grade  # noqa: F401
from cooperare.sandbox.functions import quiz  # noqa: F401
from cooperare.sandbox.functions import forum  # noqa: F401
from cooperare.sandbox.functions import message  # noqa: F401
from cooperare.sandbox.plugin import external as plugin_external  # noqa: F401  (local_cooperare)
