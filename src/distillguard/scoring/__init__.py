"""Scoring: detection engine, risk combination and verdicts."""
