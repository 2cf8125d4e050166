"""Random numbers: the counter-based stream every backend shares and the distributions drawn from it."""
