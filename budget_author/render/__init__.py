"""Rendering: the report view model to HTML (and the chart as inline SVG), then PDF."""
