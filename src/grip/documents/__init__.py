"""Documents: safe XLSX / CSV / DOCX writing (formula neutralising) for every export, and the
one document pipeline (content model rendered to DOCX and typeset PDF)."""
