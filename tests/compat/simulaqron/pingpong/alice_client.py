"""Ping-pong, Alice's side: three rounds of ping, then a word Bob does not know."""
import asyncio
from asyncio import StreamReader, StreamWriter
from pathlib import Path

from simulaqron.general.host_config import SocketsConfig
from simulaqron.sdk.protocol import SimulaQronClassicalClient
from simulaqron.settings import network_config
from simulaqron.settings.network_config import NodeConfigType

ROUNDS = 3


def now() -> str:
    return f"t={asyncio.get_running_loop().time() * 1e6:.0f}us"


async def play(reader: StreamReader, writer: StreamWriter) -> None:
    for number in range(1, ROUNDS + 1):
        writer.write(f"ping {number}\n".encode())
        await writer.drain()
        answer = (await reader.readline()).decode().strip()
        print(f"{now()} Alice got {answer!r} in round {number}")
    writer.write(b"hello\n")
    answer = (await reader.readline()).decode().strip()
    print(f"{now()} Alice got {answer!r}")
    writer.close()
    await writer.wait_closed()


if __name__ == "__main__":
    network_config.read_from_file(Path(__file__).parent / "simulaqron_network.json")
    sockets = SocketsConfig(network_config, "default", NodeConfigType.APP)
    print("Alice: connecting to Bob")
    SimulaQronClassicalClient(sockets).run_client("Bob", play)
    print("Alice: done")
