"""The baseline: a bare nameko RPC service that answers at once; and the same through
``minzi.rpc``, as every Minzi service answers (its replies not confirmed)."""
from nameko.rpc import rpc

from minzi.rpc import rpc as minzi_rpc


class Echo:
    name = "bench_echo"

    @rpc
    def echo(self, value):
        return value


class MinziEcho:
    name = "bench_minzi_echo"

    @minzi_rpc
    def echo(self, value):
        return value
