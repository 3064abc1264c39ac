"""Awards: what an earned credential credits, and the stacks and pathways it completes."""
