"""Contracts (R-15 signing; schedules and receivables come with the contracts issue)."""
