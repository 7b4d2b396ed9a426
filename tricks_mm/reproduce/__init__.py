"""Experiment runner, paper tables and plots (issue 6)."""
