"""moto server, one request at a time.

moto's DynamoDB transactions and SQS receives are not atomic across concurrent requests
(a transaction backs up the table, checks, writes and restores on failure without a lock),
while the real services are. Serialising requests keeps the emulator faithful for our
concurrency tests: two racing conditional writes are evaluated one after the other, as
DynamoDB would.
"""
import threading

from moto import server

_lock = threading.Lock()
_dispatch = server.DomainDispatcherApplication.__call__


def _serial(self, environ, start_response):
    with _lock:
        return _dispatch(self, environ, start_response)


server.DomainDispatcherApplication.__call__ = _serial

if __name__ == "__main__":
    server.main()
