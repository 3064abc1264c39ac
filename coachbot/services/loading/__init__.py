"""Loading what districts keep elsewhere: the catalog, the roster and the school calendar."""
