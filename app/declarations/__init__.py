"""The declaration engine's app side: commands that move a declaration through the one state
machine (rules/workflow.py) in one transaction each, with its event, audit row and effect."""
