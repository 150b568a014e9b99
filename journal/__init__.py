"""Evidence Journal: a static site generator for a personal record of wins and setbacks."""

__version__ = "0.1.0"
