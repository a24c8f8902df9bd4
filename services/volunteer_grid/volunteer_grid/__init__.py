"""志愿者网格 (Volunteer grid): a Minzi program."""
