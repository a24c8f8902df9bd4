"""共驻共建 (Co-building): a Minzi program."""
