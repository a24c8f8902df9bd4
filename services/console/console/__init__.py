"""The console: the staff's and the residents' pages in the browser, a client of the gateway's
public HTTP API and of nothing else."""
