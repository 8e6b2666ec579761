"""The one error a refused service step raises: a stable code for programs, a translated message for people."""


class ServiceError(Exception):
    def __init__(self, code: str, message: str, *, field: str | None = None, status: int = 400):
        super().__init__(message)
        self.code = code
        self.message = str(message)
        self.field = field
        # The HTTP status an API answers with: 400 bad input, 403 not permitted, 409 wrong state.
        self.status = status

    def __str__(self) -> str:
        return self.message
