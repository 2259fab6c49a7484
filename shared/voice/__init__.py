"""The hall's voice: Vietnamese number words, the call sentence and the offline speech worker.
Uses only shared.rules (the wording setting) and the kernel."""
