"""The SEC's Form 345 data sets, read: where a quarter's zip is and how it is unpacked safely (files), its TSVs as
the filing tables' frames (reader), and how the set agrees with the filings themselves (reconcile)."""
