"""A TCP proxy a test can cut: a service reaches its database through it, and the test takes the
database away from that service alone (every open connection closed, new ones refused) and
gives it back, as an outage of the database server would."""
import contextlib
import socket
import threading


class CuttableProxy:
    def __init__(self, upstream_port: int, upstream_host: str = "127.0.0.1"):
        self.upstream = (upstream_host, upstream_port)
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.down = threading.Event()
        self.closed = threading.Event()
        self._open: set[socket.socket] = set()
        self._lock = threading.Lock()
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while not self.closed.is_set():
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            if self.down.is_set():
                client.close()                       # refused while the database is away
                continue
            try:
                server = socket.create_connection(self.upstream, timeout=5)
            except OSError:
                client.close()
                continue
            with self._lock:
                self._open.update((client, server))
            for source, target in ((client, server), (server, client)):
                threading.Thread(target=self._pump, args=(source, target), daemon=True).start()

    def _pump(self, source: socket.socket, target: socket.socket) -> None:
        try:
            while True:
                data = source.recv(65536)
                if not data:
                    break
                target.sendall(data)
        except (OSError, EOFError):   # the other end closed, or the test cut it (under eventlet)
            pass
        finally:
            # each socket is read by one pump, and only that pump closes it: closing a socket
            # another green thread still waits on leaves eventlet a listener on a file number
            # the next socket or pipe may be given. Shutting the other end wakes its reader.
            self._shutdown(target)
            with self._lock:
                self._open.discard(source)
            source.close()

    @staticmethod
    def _shutdown(end: socket.socket) -> None:
        with contextlib.suppress(OSError):
            end.shutdown(socket.SHUT_RDWR)

    def cut(self) -> None:
        """The database goes away: every connection through here is closed, new ones refused."""
        self.down.set()
        with self._lock:
            ends = list(self._open)
        for end in ends:
            self._shutdown(end)

    def restore(self) -> None:
        self.down.clear()

    def close(self) -> None:
        self.closed.set()
        self.cut()
        self.listener.close()
