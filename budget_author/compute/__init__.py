"""Compute: pure functions from the validated model to figures and the report."""
