"""JSON Schemas of the analyzer's machine outputs, shipped as package data and read with importlib.resources."""
