"""The coaching conversation, written once for every platform.

Adapters turn platform payloads into the events in ``vocabulary`` and render the replies back;
handlers see only events and narrow capabilities, never a platform client.
"""
