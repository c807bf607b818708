"""GHZ chain, Bob: a server whose handler is also a client (of Charlie)."""
from netqasm.sdk import EPRSocket
from netqasm.sdk.external import NetQASMConnection
from simulaqron.general.host_config import SocketsConfig
from simulaqron.sdk.protocol import SimulaQronClassicalClient, SimulaQronClassicalServer
from simulaqron.settings import network_config
from simulaqron.settings.network_config import NodeConfigType

SOCKETS = SocketsConfig(network_config, "default", NodeConfigType.APP)


async def extend_to_charlie(reader, writer, conn, from_alice, to_charlie) -> None:
    writer.write(b"receive\n")
    assert (await reader.readline()) == b"ready\n"
    from_alice.cnot(to_charlie)
    parity = to_charlie.measure()
    conn.flush()
    writer.write(f"{int(parity)}\n".encode())
    assert (await reader.readline()) == b"corrected\n"


async def handle_alice(reader, writer) -> None:
    assert (await reader.readline()) == b"receive\n"
    alice, charlie = EPRSocket("Alice"), EPRSocket("Charlie")
    conn = NetQASMConnection("Bob", epr_sockets=[alice, charlie])
    from_alice = alice.recv_keep()[0]
    to_charlie = charlie.create_keep()[0]
    conn.flush()
    await SimulaQronClassicalClient(SOCKETS).connect_and_run(
        "Charlie", extend_to_charlie, conn, from_alice, to_charlie)
    writer.write(b"done\n")
    outcome = from_alice.measure()
    conn.flush()
    conn.close()
    print(f"Bob: outcome {int(outcome)}")


if __name__ == "__main__":
    server = SimulaQronClassicalServer(SOCKETS, "Bob")
    server.register_client_handler(handle_alice)
    server.start_serving()
