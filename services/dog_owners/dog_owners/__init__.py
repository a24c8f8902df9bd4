"""养犬自律协会 (Dog owners' association): a Minzi program."""
