"""Insights: what the counter's figures say — the office simulator and replay of recorded days (issue 7)."""
