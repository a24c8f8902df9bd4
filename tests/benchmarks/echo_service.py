"""The baseline: a bare nameko RPC service that answers at once."""
from nameko.rpc import rpc


class Echo:
    name = "bench_echo"

    @rpc
    def echo(self, value):
        return value
