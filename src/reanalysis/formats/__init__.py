"""One module per input format; :mod:`reanalysis.readers` dispatches between them."""
