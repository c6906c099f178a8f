"""The digitalisation manual for communes: Markdown content → one document model → PDF, EPUB, HTML, Moodle book."""
