"""EPR rounds, Bob: receives and measures a pair per round, counts differing outcomes."""
import os

from netqasm.sdk import EPRSocket
from netqasm.sdk.external import NetQASMConnection
from simulaqron.general.host_config import SocketsConfig
from simulaqron.sdk.protocol import SimulaQronClassicalServer
from simulaqron.settings import network_config
from simulaqron.settings.network_config import NodeConfigType

ROUNDS = int(os.environ.get("EPR_ROUNDS", "100"))


async def measure_pairs(reader, writer) -> None:
    differ = 0
    for _ in range(ROUNDS):
        epr_socket = EPRSocket("Alice")
        with NetQASMConnection("Bob", epr_sockets=[epr_socket]) as conn:
            outcome = epr_socket.recv_keep()[0].measure()
            conn.flush()
        differ += int(await reader.readline()) != int(outcome)
    writer.write(f"{differ}\n".encode())


if __name__ == "__main__":
    server = SimulaQronClassicalServer(
        SocketsConfig(network_config, "default", NodeConfigType.APP), "Bob")
    server.register_client_handler(measure_pairs)
    server.start_serving()
