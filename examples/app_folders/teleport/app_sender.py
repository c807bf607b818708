"""Sender: teleport the qubit at Bloch angles (phi, theta) to the receiver."""

from netqasm.sdk import EPRSocket, Qubit
from netqasm.sdk.classical_communication.message import StructuredMessage
from netqasm.sdk.external import NetQASMConnection, Socket
from netqasm.sdk.toolbox import set_qubit_state


def main(app_config=None, phi=0.0, theta=0.0):
    socket = Socket("sender", "receiver", log_config=app_config.log_config)
    epr_socket = EPRSocket("receiver")
    with NetQASMConnection("sender", log_config=app_config.log_config,
                           epr_sockets=[epr_socket]) as conn:
        q = Qubit(conn)
        set_qubit_state(q, phi, theta)
        half = epr_socket.create_keep()[0]
        q.cnot(half)
        q.H()
        m1, m2 = q.measure(), half.measure()
    socket.send_structured(StructuredMessage("corrections", (int(m1), int(m2))))
    return {"m1": int(m1), "m2": int(m2)}
