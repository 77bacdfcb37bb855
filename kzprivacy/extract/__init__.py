"""Pure extraction functions: (HTML or bytes, URL) in, plain data out. No I/O here."""
