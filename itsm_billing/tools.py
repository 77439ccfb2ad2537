"""What the billing models share."""

# The context value a run's or a check item's buttons write their workflow
# fields with. An object, not a flag: a JSON-RPC call can put any flag in its
# context, never this object, so only the buttons (which check the step, the
# state and the user's groups) change a state.
STEP = object()
