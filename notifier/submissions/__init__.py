"""Reports for CSIRT, authority and AP: context, rendering, completeness, the submission ledger."""
