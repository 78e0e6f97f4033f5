"""Batch reports: spreadsheets and readable HTML documents with charts."""
