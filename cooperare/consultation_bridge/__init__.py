"""The consultation bridge: public consultations between NGOs, local authorities and citizens under Legea nr. 52/2003.

``calendar`` holds the legal calendar (working days with Romanian public holidays), ``model`` the consultations as
frozen dataclasses, ``loader`` where they come from (cooperare.yaml, YAML files, the two shipped on the manual).
Domain code only: no HTTP, no SQL strings, no printing (see docs/consultation.md).
"""
