"""Shared random bit, Alice's side: asks Bob, then creates a pair inside her 'yes' handler."""
from asyncio import StreamReader, StreamWriter

from netqasm.runtime.settings import set_simulator
from simulaqron.general.host_config import SocketsConfig
from simulaqron.sdk.protocol import SimulaQronClassicalClient
from simulaqron.settings import network_config
from simulaqron.settings.network_config import NodeConfigType

set_simulator("simulaqron")

from netqasm.sdk import EPRSocket  # noqa: E402
from netqasm.sdk.external import NetQASMConnection  # noqa: E402

ASKING, FINISHED = "ASKING", "FINISHED"


async def on_yes(writer: StreamWriter) -> str:
    epr_socket = EPRSocket("Bob")
    conn = NetQASMConnection("Alice", epr_sockets=[epr_socket])
    qubit = epr_socket.create_keep()[0]
    outcome = qubit.measure()
    conn.flush()
    bit = int(outcome)
    conn.close()
    writer.write(f"bit {bit}\n".encode())
    print(f"Alice: my bit is {bit}")
    return FINISHED


TRANSITIONS = {(ASKING, "yes"): on_yes}


async def run(reader: StreamReader, writer: StreamWriter) -> None:
    writer.write(b"share a bit?\n")
    state = ASKING
    while state != FINISHED:
        message = (await reader.readline()).decode().strip()
        handler = TRANSITIONS.get((state, message))
        if handler is not None:
            state = await handler(writer)
    print(f"Alice: Bob says {(await reader.readline()).decode().strip()}")


if __name__ == "__main__":
    sockets = SocketsConfig(network_config, "default", NodeConfigType.APP)
    SimulaQronClassicalClient(sockets).run_client("Bob", run)
