"""The library every Minzi service shares."""
