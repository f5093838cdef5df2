"""Documents: safe XLSX / CSV / DOCX writing (formula neutralising) for every export."""
