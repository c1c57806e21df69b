"""The real server under stress: concurrent resubmissions and kill -9 in the middle of load."""
