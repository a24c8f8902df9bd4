"""Intake: the one window (一口受理) where every resident request comes in and gets an answer."""
