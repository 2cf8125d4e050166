"""Mergeable summaries: moments and quantile sketches of millions of samples in bounded memory."""
