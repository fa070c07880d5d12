"""Batch jobs over whole archives: streaming readers, ledger, translation memory, local and Ray runs."""
