"""The funnel: stages as data, leads and the shared pool, deals, products (R-10..R-12, R-15,
R-17, R-19)."""
