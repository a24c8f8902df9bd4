"""跳蚤市场 (Flea market): a Minzi program."""
