"""The sample clients, shipped inside the package as data (``salesnb.sample``)."""
