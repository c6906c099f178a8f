"""Course-side state of the sandbox Moodle, as plain Python over :class:`~cooperare.sandbox.site.Site`.

Handlers in ``cooperare.sandbox.functions`` (web-service semantics: parameters, capability checks, error wording)
call these modules, and so do :mod:`cooperare.sandbox.simulate` and, later, the plugin functions; nothing here knows
about HTTP. Each module follows the Moodle library it mirrors, in Moodle's order of writes, so ids are handed out
as on a real site:

- :mod:`.categories` (``core_course_category``, ``fix_course_sortorder``), :mod:`.courses` (``create_course``,
  ``update_course``, format options), :mod:`.sections` (``course_sections`` and their module sequences);
- :mod:`.modules` — ``add_module`` / ``update_module`` / ``delete_module`` for any type of :mod:`.modtypes` (page,
  url, label, quiz, feedback, resource, forum, assign): instance row, course module, section entry, context, grade
  item; the plugin's activity functions build on these;
- :mod:`.enrolments` (instances, ``enrol_user`` / ``unenrol_user``, role assignments; ``add_instance`` for cohort
  sync, whose role assignments carry the ``enrol_cohort`` component), :mod:`.groups`;
- :mod:`.grades` (course category and total created lazily, activity items, ``set_grade`` with Natural
  aggregation, the user-report rows), :mod:`.quizzes` (attempts, best grade);
- :mod:`.completion` (activity states and automatic rules, criteria — ``add_activity_criterion``,
  ``add_criterion``, ``set_aggregation``, ``clear_criteria`` — and course completion aggregation);
- :mod:`.forums` (the per-course news forum, discussions, posts).

Tables the base site lacks are created on first use by :func:`.schema.table`, which also adds the extra indexes.
Callers own the transaction: handlers run inside the server's, :mod:`cooperare.sandbox.simulate` opens its own.
"""
