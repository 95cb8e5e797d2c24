"""Rate limits: atomic counters in fixed windows, keyed by a keyed hash of what they count."""
