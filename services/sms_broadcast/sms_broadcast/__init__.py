"""可回复短信群发 (Reply-able SMS broadcasts): a Minzi program."""
