"""The regimes as data: loading and validating workflows/*.yaml."""

from notifier.workflow.loader import WorkflowError, load_registry
from notifier.workflow.schema import Registry, Workflow

__all__ = ["Registry", "Workflow", "WorkflowError", "load_registry"]
