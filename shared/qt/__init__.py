"""The one place in shared/ that imports Qt: helpers several apps need (feed watcher, tasks...).
Uses the layers below; nothing in shared/ imports it."""
