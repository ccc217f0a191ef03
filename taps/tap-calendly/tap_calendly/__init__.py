"""Singer tap for Calendly."""
