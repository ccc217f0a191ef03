"""Singer tap for Luma."""
