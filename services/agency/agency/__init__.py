"""全程代理 (Full-process agency): a Minzi program."""
