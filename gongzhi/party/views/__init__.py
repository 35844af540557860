"""Pages of the party app, thin: they read through selectors and write through services."""
