"""Ping-pong, Bob's side: answers each ping with a pong, anything else with a refusal."""
import asyncio
from asyncio import StreamReader, StreamWriter

from simulaqron.general.host_config import SocketsConfig
from simulaqron.sdk.protocol import SimulaQronClassicalServer
from simulaqron.settings import network_config


def now() -> str:
    return f"t={asyncio.get_running_loop().time() * 1e6:.0f}us"


async def serve(reader: StreamReader, writer: StreamWriter) -> None:
    print(f"{now()} Bob: Alice connected")
    async for line in reader:
        word, _, number = line.decode().strip().partition(" ")
        if word == "ping":
            writer.write(f"pong {number}\n".encode())
        else:
            writer.write(f"refused {word}\n".encode())
    print(f"{now()} Bob: Alice left")


if __name__ == "__main__":
    network_config.read_from_file("simulaqron_network.json")
    server = SimulaQronClassicalServer(SocketsConfig(network_config, "default", "app"), "Bob")
    server.register_client_handler(serve)
    print("Bob: serving")
    server.start_serving()
    print("Bob: server ended")
