"""Cairn's error kinds, named as the TypeScript side names them: the name is the retry policy."""


class CairnError(Exception):
    """Base of Cairn's errors."""


class DataError(CairnError):
    """Bad data (a row, a column, a file): retrying cannot help, so the step goes to the operator at once."""


class ConfigError(CairnError):
    """Bad configuration (a step config, an environment variable): retrying cannot help."""


class NotPermitted(CairnError):
    """A step the Cairn API did not issue (its signature does not match): retrying cannot help."""


#: Error kinds a step never retries (lib/errors.ts NON_RETRYABLE_ERROR_TYPES).
NON_RETRYABLE = (DataError, ConfigError, NotPermitted)
