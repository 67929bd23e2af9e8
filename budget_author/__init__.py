"""budget-author: author, check and publish Chinese 单位预算公开 documents."""

__version__ = "0.1.0"
