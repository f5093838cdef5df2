"""Reports and letters from the inspection record: drafting from the confirmed judgements and
findings, the lead inspector's text (versioned), the checks before issue, DOCX and PDF through
:mod:`grip.documents`, and clearing and publishing (QA review, factual accuracy, final,
published). See docs/reports.md."""

from grip.reports.drafting import AreaForImprovement, areas_for_improvement

__all__ = ["AreaForImprovement", "areas_for_improvement"]
