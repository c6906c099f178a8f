"""Sandbox implementations of Moodle web-service functions, one module per Moodle component.

Importing this package registers every handler (see ``cooperare.sandbox.registry.ws_function``).
"""

from cooperare.sandbox.functions import (
    cohort,  # noqa: F401
    completion,  # noqa: F401
    course,  # noqa: F401
    course_categories,  # noqa: F401
    course_contents,  # noqa: F401
    enrol,  # noqa: F401
    feedback,  # noqa: F401
    files,  # noqa: F401
    forum,  # noqa: F401
    grade,  # noqa: F401
    group,  # noqa: F401
    message,  # noqa: F401
    quiz,  # noqa: F401
    user,  # noqa: F401
    webservice,  # noqa: F401
)
from cooperare.sandbox.plugin import external as plugin_external  # noqa: F401  (local_cooperare)
