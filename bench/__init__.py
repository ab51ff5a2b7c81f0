"""Benchmarks with their own data generator; never collected by pytest."""
