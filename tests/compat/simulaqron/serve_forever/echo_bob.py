"""An echo server written with plain asyncio: it serves forever and never returns."""
import asyncio

from simulaqron.settings import network_config


async def echo(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    while line := await reader.readline():
        writer.write(line.upper())
    writer.close()


async def main() -> None:
    bob = next(node for node in network_config.nodes if node.name == "Bob")
    server = await asyncio.start_server(echo, bob.app_hostname, bob.app_port)
    print("Bob: listening")
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    asyncio.run(main())
    print("Bob: never printed: serve_forever does not return")
