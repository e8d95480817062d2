""""You said, we did": records, actions, the tracker, feedback, the loop back and open data.

One idea, one name for people: "You said, we did". In the code it is this package, `follow` (people
follow what was done); its tables are `said_did_*`, its pages `/boards/<slug>/said-did`, and one entry
is a `Record`. Records are filed under the same topics as questions (coprod/topics.py).
"""
