"""Certificates: eligibility from Moodle completion data, signed PDFs, the registry's rules, verification, delivery.

Modules: ``settings`` (the ``certificates`` configuration section), ``trainees``, ``progress`` and ``eligibility``
(who may be certified and why not), ``assess`` (per track), ``render`` and ``fonts`` (the PDF), ``signing`` and
``keygen`` (PAdES with pyHanko, demo keys), ``production`` (parallel render and sign), ``issue`` (registry rows,
reissue), ``verify``, ``deliver`` (ZIPs, Moodle messages) and ``serials``. No module here prints or parses argv.
"""
