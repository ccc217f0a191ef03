"""Singer tap for OnceHub."""
