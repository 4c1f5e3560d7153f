"""The significance assistant: the questions that matter per entity type, 2024/2690 thresholds, versioned answers."""
