"""The command line (DESIGN §7): the one ``main(argv) -> int`` (``main``), the batch commands (``batch``) and the
progress bar (``progress``). The only package that prints to the terminal besides the renderers and the only one that
maps outcomes to exit codes.
"""
