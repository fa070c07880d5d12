"""The one exception type whose message is shown to users as a single line."""


class BitextError(Exception):
    """A user-facing error: bad input, missing model, unreadable file. Its message is one line."""

    def __init__(self, message: str, *, exit_code: int = 2) -> None:
        super().__init__(" ".join(message.split()) if "\n" in message else message)
        self.exit_code = exit_code
