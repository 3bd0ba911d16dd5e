"""backlog: flags training weeks that give the lower back no time to recover."""

__version__ = "0.1.0"
