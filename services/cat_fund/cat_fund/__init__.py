"""流浪猫爱心基金会 — the stray-cat charity fund, a Minzi program service."""
