"""Alerts: tell the on-call channel when a campaign is newly flagged or grows past a size (Slack-compatible webhook)."""

from distillguard.alerts.history import after_scan

__all__ = ["after_scan"]
