"""Replay: the time-ordered, incremental engine shared by `scan --replay` and the gateway."""

from distillguard.replay.online import AccountDecision, OnlineScorer

__all__ = ["AccountDecision", "OnlineScorer"]
