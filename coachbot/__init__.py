"""CoachBot: a coaching bot for educator micro-credentials.

The package is the platform-neutral core. Chat platforms live in the top-level ``adapters``
package, which imports the core; the core never imports an adapter (import-linter enforces it).
"""

__version__ = "0.1.0"
