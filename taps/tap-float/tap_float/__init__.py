"""Singer tap for the Float API v3."""
