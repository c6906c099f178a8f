"""Events and their attendance: events as code, a pure planner for Moodle, attendance imported from meeting CSVs.

``loader`` reads events (the 8 shipped, a file, a folder or the ``events`` section of cooperare.yaml); ``planner``
turns events and a description of what Moodle holds into a Plan; ``attendance`` reads Teams, Zoom and Meet
attendance exports, merges each person's time and matches people to the roster; ``report`` builds the attendance
tables. Moodle calls and SQL live elsewhere (``cooperare.moodle``, ``cooperare.store.events``).
"""
