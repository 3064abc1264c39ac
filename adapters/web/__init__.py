"""The file listener: evidence files opened through links that expire, over plain HTTP.

Platform-neutral (no chat SDK): ``coachbot run`` starts it beside every platform it starts, in
every mode (Socket Mode included), and ``coachbot web`` starts it alone.
"""
