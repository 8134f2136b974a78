"""Customers (companies) and their contacts (people), duplicates and merge (R-13, R-14)."""
