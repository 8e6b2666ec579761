"""The one error a refused service step raises: a stable code for programs, a translated message for people."""


class ServiceError(Exception):
    def __init__(self, code: str, message: str, *, field: str | None = None):
        super().__init__(message)
        self.code = code
        self.message = str(message)
        self.field = field

    def __str__(self) -> str:
        return self.message
