"""The command line's exit codes (also importable from :mod:`optimiser.cli.main`), and the usage error a
command reports itself."""

EXIT_OK = 0
EXIT_INVALID = 2
EXIT_NO_OPTIMUM = 3
EXIT_FAILED = 4


def usage_error(command: str, problem: str) -> int:
    """Print what is wrong with an option of ``command`` as argparse words a usage error, in the current
    language (``problem`` is already in it); return :data:`EXIT_INVALID`."""
    import sys

    from ..i18n import _

    print(_("optimiser {command}: error: {problem}").format(command=command, problem=problem), file=sys.stderr)
    return EXIT_INVALID
