"""Small helpers for the mystery-shop ETL Lambda, one job per module."""
