"""Coordinators' reports: ``certification`` builds the report as data from the certificate registry and the
catalogue; ``tabular`` writes it as CSV or XLSX (formula-like cells neutralised), ``pdf`` as a PDF with bar charts."""
