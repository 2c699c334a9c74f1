"""The command line's exit codes (also importable from :mod:`optimiser.cli.main`)."""

EXIT_OK = 0
EXIT_INVALID = 2
EXIT_NO_OPTIMUM = 3
EXIT_FAILED = 4
