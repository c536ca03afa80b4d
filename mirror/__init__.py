"""A loopback HTTP server over folders laid out like EDGAR's `Archives/` tree."""
