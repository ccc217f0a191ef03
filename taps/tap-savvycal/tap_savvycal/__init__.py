"""Singer tap for SavvyCal."""
