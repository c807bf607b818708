"""GHZ chain, Charlie: receives Bob's pair, corrects it with Bob's parity bit."""
from netqasm.sdk import EPRSocket
from netqasm.sdk.external import NetQASMConnection
from simulaqron.general.host_config import SocketsConfig
from simulaqron.sdk.protocol import SimulaQronClassicalServer
from simulaqron.settings import network_config
from simulaqron.settings.network_config import NodeConfigType


async def handle_bob(reader, writer) -> None:
    assert (await reader.readline()) == b"receive\n"
    bob = EPRSocket("Bob")
    with NetQASMConnection("Charlie", epr_sockets=[bob]) as conn:
        qubit = bob.recv_keep()[0]
        conn.flush()
        writer.write(b"ready\n")
        if int(await reader.readline()) == 1:
            qubit.X()
        writer.write(b"corrected\n")
        outcome = qubit.measure()
        conn.flush()
        print(f"Charlie: outcome {int(outcome)}")


if __name__ == "__main__":
    server = SimulaQronClassicalServer(
        SocketsConfig(network_config, "default", NodeConfigType.APP), "Charlie")
    server.register_client_handler(handle_bob)
    server.start_serving()
