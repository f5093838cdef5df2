"""Routes, one module per capability; each module exposing ``router`` is included by the app."""
