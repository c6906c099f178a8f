"""The pack's Moodle plugin ``local_cooperare`` in the sandbox: its web-service functions, written after the PHP
in ``moodle-plugin/local_cooperare`` (the reference), one module per PHP class:

- :mod:`.util` (``local\\util``: course lookup with capability checks, hashes), :mod:`.items` (the table
  ``local_cooperare_item``);
- :mod:`.sections`, :mod:`.activities` (+ :mod:`.feedback_items`), :mod:`.questions` (+ :mod:`.questionbank`, the
  core question bank and Moodle XML import it relies on), :mod:`.completion`, :mod:`.cohortsync` (+
  :mod:`.enrol_cohort`, core's cohort sync enrolment plugin with its event observers), :mod:`.userfiles` (files
  put into other users' private files), :mod:`.enrolmethods` (self enrolment and guest access);
- :mod:`.external`, the handlers registered with the sandbox (``functions/__init__.py`` imports it).

Everything runs inside the server's transaction (the handlers are ``atomic``), so one bad item undoes the call.
"""
