"""The composition root: the `motcua` command with the core commands and the four apps."""
