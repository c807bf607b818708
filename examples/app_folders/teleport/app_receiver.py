"""Receiver: apply the corrections and compare the qubit with the state that was sent."""

from netqasm.sdk import EPRSocket
from netqasm.sdk.external import NetQASMConnection, Socket, get_qubit_state
from netqasm.sdk.toolbox.sim_states import get_fidelity, qubit_from


def main(app_config=None, phi=0.0, theta=0.0):
    socket = Socket("receiver", "sender", log_config=app_config.log_config)
    epr_socket = EPRSocket("sender")
    with NetQASMConnection("receiver", log_config=app_config.log_config,
                           epr_sockets=[epr_socket]) as conn:
        half = epr_socket.recv_keep()[0]
        conn.flush()
        m1, m2 = socket.recv_structured().payload
        if m2 == 1:
            half.X()
        if m1 == 1:
            half.Z()
        conn.flush()
        state = get_qubit_state(half)
    # get_fidelity is NetSquid's (not squared): square it for <psi|rho|psi>.
    fidelity = get_fidelity(qubit_from(phi, theta), state) ** 2
    return {"fidelity": round(fidelity, 4)}
