"""RQ job functions: they take ids, open their own app context and are idempotent."""
