"""Shared random bit, Bob's side: agrees, receives his half inside the handler, compares."""
from asyncio import StreamReader, StreamWriter

from netqasm.runtime.settings import set_simulator
from simulaqron.general.host_config import SocketsConfig
from simulaqron.sdk.protocol import SimulaQronClassicalServer
from simulaqron.settings import network_config

set_simulator("simulaqron")

from netqasm.sdk import EPRSocket  # noqa: E402
from netqasm.sdk.external import NetQASMConnection  # noqa: E402

WAITING, HAVE_BIT, DONE = "WAITING", "HAVE_BIT", "DONE"


class Session:
    bit = -1


async def on_request(session: Session, writer: StreamWriter, message: str) -> str:
    writer.write(b"yes\n")
    epr_socket = EPRSocket("Alice")
    with NetQASMConnection("Bob", epr_sockets=[epr_socket]) as conn:
        qubit = epr_socket.recv_keep()[0]
        outcome = qubit.measure()
        conn.flush()
        session.bit = int(outcome)
    print(f"Bob: my bit is {session.bit}")
    return HAVE_BIT


async def on_bit(session: Session, writer: StreamWriter, message: str) -> str:
    theirs = int(message.split()[1])
    writer.write(b"equal\n" if theirs == session.bit else b"different\n")
    return DONE


TRANSITIONS = {(WAITING, "share"): on_request, (HAVE_BIT, "bit"): on_bit}


async def serve(reader: StreamReader, writer: StreamWriter) -> None:
    session, state = Session(), WAITING
    while state != DONE:
        message = (await reader.readline()).decode().strip()
        if not message:
            break
        handler = TRANSITIONS.get((state, message.split()[0]))
        if handler is not None:
            state = await handler(session, writer, message)


if __name__ == "__main__":
    server = SimulaQronClassicalServer(SocketsConfig(network_config, "default", "app"), "Bob")
    server.register_client_handler(serve)
    server.start_serving()
