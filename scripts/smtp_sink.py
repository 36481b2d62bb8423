"""A real SMTP server for the notification tests (aiosmtpd on loopback).

Every accepted message is written whole to DIR/<n>.eml, so a test reads exactly what a mail
server received. Recipients whose local part starts with `bounce` are refused with a
permanent 550, as a server refuses an unknown mailbox; `busy` ones get a temporary 451.

    python smtp_sink.py DIR      # prints the port it listens on, then serves until killed
"""
import asyncio
import itertools
import pathlib
import sys

from aiosmtpd.smtp import SMTP


class Sink:
    def __init__(self, directory: pathlib.Path):
        self.directory = directory
        self.counter = itertools.count(1)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        local = address.split("@", 1)[0].lower()
        if local.startswith("bounce"):
            return "550 5.1.1 No such user here"
        if local.startswith("busy"):
            return "451 4.3.0 Try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        n = next(self.counter)
        tmp = self.directory / f".{n}.tmp"
        tmp.write_bytes(envelope.original_content or envelope.content)
        tmp.rename(self.directory / f"{n:06}.eml")
        return "250 Message accepted for delivery"


async def serve(directory: pathlib.Path) -> None:
    sink = Sink(directory)
    loop = asyncio.get_running_loop()
    server = await loop.create_server(lambda: SMTP(sink, decode_data=False), "127.0.0.1", 0)
    print(server.sockets[0].getsockname()[1], flush=True)
    async with server:
        await server.serve_forever()


def main() -> None:
    directory = pathlib.Path(sys.argv[1])
    directory.mkdir(parents=True, exist_ok=True)
    asyncio.run(serve(directory))


if __name__ == "__main__":
    main()
