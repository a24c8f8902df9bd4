"""红娘工作室 (Matchmaking studio): a Minzi program."""
