"""Stamp batches, codes, lots and the register (issued -> activated -> voided)."""
