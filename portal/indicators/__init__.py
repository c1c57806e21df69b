"""The indicators leaders and supervisors act on, computed by SQL aggregates (docs/insights.md)."""
