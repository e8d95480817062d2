""""You said, we did": records, actions, the tracker, feedback, the loop back and open data."""
