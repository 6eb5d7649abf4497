"""Site-wide registers of the delivery app, in the public schema.

The scheduler and the sweepers read these small tables instead of visiting every
association's schema: which schemas have mail in flight, which notices fall due when, and
which addresses must never be mailed again (by keyed hash).
"""
