"""Measures: statutory timescales, DfE indicators and drift lists, per child, team and month."""
