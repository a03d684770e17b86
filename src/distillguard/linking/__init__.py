"""Campaign linking: accounts joined by shared infrastructure and behaviour."""
