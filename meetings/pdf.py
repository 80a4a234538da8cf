"""Meeting PDFs (filled in by the meeting-printing work)."""

PDF_BUILDERS: dict = {}
