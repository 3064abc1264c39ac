"""Reading what districts hand us (a YAML catalog, a CSV roster) into validated objects.

Nothing here touches the database: loaders in ``coachbot.services`` store what this validates.
"""
