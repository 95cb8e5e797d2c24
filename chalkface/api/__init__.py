"""The JSON API under ``/api/v1``: per-user tokens, the register, campaigns, incidents and results."""
