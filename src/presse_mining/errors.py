"""Domain errors. Raised inside the stages; the CLI turns each into one line."""


class PresseError(Exception):
    """A problem the user can act on; str(error) names the thing and the reason."""


class InputError(PresseError):
    """A file, URL or record that cannot be read as an article."""


class StoreError(PresseError):
    """The database cannot be opened or written (locked, corrupt, newer schema)."""
