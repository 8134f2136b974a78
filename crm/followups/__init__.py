"""Follow-ups: what to do, who, by when (R-40); the personal agenda and its calendar feed."""
