"""__NAME_ZH__ (__NAME_EN__): a Minzi program."""
