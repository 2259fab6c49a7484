"""The one place in shared/ that imports Qt: helpers several apps need (feed watcher, ...)."""
