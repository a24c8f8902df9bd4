"""片儿医 (Neighbourhood doctor): a Minzi program."""
