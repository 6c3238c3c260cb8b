"""One module per ``coach`` subcommand; each exposes ``register(sub)``."""
