"""The one error type of the conversations app; views turn it into a page with its message."""

from chalkface.errors import ChalkfaceError


class ConversationError(ChalkfaceError):
    """Something asked of a conversation that cannot be done (closed, unknown statement, bad file)."""
