"""GHZ chain, Alice: makes a pair with Bob *before* telling him, then waits for Bob's 'done'.

Flushing create_keep before the peer's recv_keep works under SimulaQron (the
peer's half waits for it); it is what makes this a SimulaQron script.
"""
from netqasm.sdk import EPRSocket
from netqasm.sdk.external import NetQASMConnection
from simulaqron.general.host_config import SocketsConfig
from simulaqron.sdk.protocol import SimulaQronClassicalClient
from simulaqron.settings import network_config
from simulaqron.settings.network_config import NodeConfigType


async def wait_for_bob(reader, writer, qubit, conn) -> None:
    writer.write(b"receive\n")
    assert (await reader.readline()) == b"done\n"
    outcome = qubit.measure()
    conn.flush()
    print(f"Alice: outcome {int(outcome)}")


if __name__ == "__main__":
    epr_socket = EPRSocket("Bob")
    conn = NetQASMConnection("Alice", epr_sockets=[epr_socket])
    qubit = epr_socket.create_keep()[0]
    conn.flush()
    client = SimulaQronClassicalClient(SocketsConfig(network_config, "default", NodeConfigType.APP))
    client.run_client("Bob", wait_for_bob, qubit, conn)
    conn.close()
