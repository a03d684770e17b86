"""Scan reports: HTML and plots."""
