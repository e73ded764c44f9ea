"""Scan log (flushed in batches) and anomaly alerts."""
