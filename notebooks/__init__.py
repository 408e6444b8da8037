"""The workbook's notebooks, shipped inside the package as data (``salesnb.notebooks``)."""
