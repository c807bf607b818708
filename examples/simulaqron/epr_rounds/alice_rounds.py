"""EPR rounds, Alice: per round a connection that creates and measures a pair; tells Bob.

The number of rounds comes from the environment (EPR_ROUNDS, default 100).
"""
import os

from netqasm.sdk import EPRSocket
from netqasm.sdk.external import NetQASMConnection
from simulaqron.general.host_config import SocketsConfig
from simulaqron.sdk.protocol import SimulaQronClassicalClient
from simulaqron.settings import network_config
from simulaqron.settings.network_config import NodeConfigType

ROUNDS = int(os.environ.get("EPR_ROUNDS", "100"))


async def measure_pairs(reader, writer) -> None:
    for _ in range(ROUNDS):
        epr_socket = EPRSocket("Bob")
        with NetQASMConnection("Alice", epr_sockets=[epr_socket]) as conn:
            outcome = epr_socket.create_keep()[0].measure()
            conn.flush()
            writer.write(f"{int(outcome)}\n".encode())
    differ = int(await reader.readline())
    print(f"Alice: {differ} of {ROUNDS} rounds differ")


if __name__ == "__main__":
    client = SimulaQronClassicalClient(SocketsConfig(network_config, "default", NodeConfigType.APP))
    client.run_client("Bob", measure_pairs)
