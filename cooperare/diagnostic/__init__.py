"""The digital-maturity diagnostic of Romania's communes: instrument (data), responses, pure scoring, study.

``instrument`` loads the versioned questionnaire (YAML), ``scoring`` turns one response into scores without any
I/O, ``study`` aggregates scored responses, ``generate`` invents plausible responses. Moodle, files and PDFs live
elsewhere (``service``, ``offline``, ``cooperare.reports``).
"""
