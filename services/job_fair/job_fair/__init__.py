"""社区招聘会 (Community job fair): a Minzi program."""
