"""Unit tests of the exchange's pure core."""
