"""Grip: know the quality of children's social work practice and be ready for inspection.

Library first: every capability lives in this package; the ``grip`` command line and the web
app are thin shells over it.
"""

__version__ = "0.1.0"
